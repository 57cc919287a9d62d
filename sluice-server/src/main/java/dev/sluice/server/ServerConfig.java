package dev.sluice.server;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of {@code sluice serve}, validated with messages that name the flag.
 *
 * @param apiKeys               keys accepted in {@code Authorization: Bearer}; each key owns its own batches
 * @param ingestConcurrency     offloads in flight per items request (the original system's 10)
 * @param maxItemBytes          a line longer than this becomes a failed item ({@code PAYLOAD_TOO_LARGE})
 * @param offloadThresholdBytes payloads larger than this go to the object store
 * @param maxBatchItems         the largest {@code expectedCount} a batch may announce
 * @param batchTtl              unsealed batches older than this expire
 * @param maxDrainBytes         how much of a refused request's body is read before answering; beyond it the
 *                              connection is closed
 */
public record ServerConfig(String host, int port, List<String> apiKeys, int ingestConcurrency, int maxItemBytes,
        int offloadThresholdBytes, long maxBatchItems, Duration batchTtl, long maxDrainBytes) {

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        check(port >= 0 && port <= 65535, "--port must be in 0..65535, was " + port);
        apiKeys = List.copyOf(apiKeys);
        check(!apiKeys.isEmpty(), "--api-key: at least one key is needed");
        for (String k : apiKeys) {
            check(k.length() >= 8 && k.chars().allMatch(c -> c > 32 && c < 127),
                    "--api-key: a key must be at least 8 printable characters without spaces");
        }
        check(ingestConcurrency >= 1 && ingestConcurrency <= 1024,
                "--ingest-concurrency must be in 1..1024, was " + ingestConcurrency);
        check(maxItemBytes >= 1024, "--max-item-bytes must be >= 1024, was " + maxItemBytes);
        check(offloadThresholdBytes >= 0 && offloadThresholdBytes <= maxItemBytes,
                "--offload-threshold-bytes must be in 0..--max-item-bytes (" + maxItemBytes + "), was "
                        + offloadThresholdBytes);
        check(maxBatchItems >= 1, "--max-batch-items must be >= 1, was " + maxBatchItems);
        check(!batchTtl.isNegative() && !batchTtl.isZero(), "--batch-ttl must be positive, was " + batchTtl);
        check(maxDrainBytes >= 0, "maxDrainBytes must be >= 0");
    }

    /** Defaults: port 8080 on all interfaces, concurrency 10, items up to 3 MiB, offload above 512 KiB, 24 h TTL. */
    public static ServerConfig defaults(List<String> apiKeys) {
        return new ServerConfig("0.0.0.0", 8080, apiKeys, 10, 3 * 1024 * 1024, 512 * 1024, 1_000_000,
                Duration.ofHours(24), 256L * 1024 * 1024);
    }

    public ServerConfig withPort(String h, int p) {
        return new ServerConfig(h, p, apiKeys, ingestConcurrency, maxItemBytes, offloadThresholdBytes, maxBatchItems,
                batchTtl, maxDrainBytes);
    }

    public ServerConfig withLimits(int concurrency, int maxItem, int offloadThreshold, long maxItems, Duration ttl) {
        return new ServerConfig(host, port, apiKeys, concurrency, maxItem, offloadThreshold, maxItems, ttl, maxDrainBytes);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
