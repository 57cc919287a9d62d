package dev.sluice.ingest.run;

/**
 * Settings of push ingest's engine, validated with messages that name the flag.
 *
 * @param concurrency           object-store operations in flight per stream ({@code --ingest-concurrency}; the
 *                              original system's 10)
 * @param maxItemBytes          a longer line becomes a failed item {@code PAYLOAD_TOO_LARGE}, read without being
 *                              held ({@code --max-item-bytes})
 * @param offloadThresholdBytes payloads larger than this go to the object store, and the row keeps the reference
 *                              ({@code --offload-threshold-bytes})
 */
public record IngestConfig(int concurrency, int maxItemBytes, int offloadThresholdBytes) {
    public IngestConfig {
        check(concurrency >= 1 && concurrency <= 1024, "--ingest-concurrency must be in 1..1024, was " + concurrency);
        check(maxItemBytes >= 1024, "--max-item-bytes must be >= 1024, was " + maxItemBytes);
        check(offloadThresholdBytes >= 0 && offloadThresholdBytes <= maxItemBytes,
                "--offload-threshold-bytes must be in 0..--max-item-bytes (" + maxItemBytes + "), was "
                        + offloadThresholdBytes);
    }

    /** Concurrency 10, items up to 3 MiB, offload above 512 KiB. */
    public static IngestConfig ofDefaults() {
        return new IngestConfig(10, 3 * 1024 * 1024, 512 * 1024);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
