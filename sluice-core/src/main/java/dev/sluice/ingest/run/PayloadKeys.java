package dev.sluice.ingest.run;

/**
 * Where the engine offloads a batch's payloads: {@code batches/<batch id>/<index>}. One key per (batch, index), so
 * a retried stream overwrites, never orphans; all of a batch's under one prefix, which its expiry deletes whole.
 */
public final class PayloadKeys {
    private PayloadKeys() {
    }

    /** The key of item {@code index}'s offloaded payload. */
    public static String of(String batchId, long index) {
        return prefix(batchId) + "/" + index;
    }

    /** The prefix every payload offloaded for {@code batchId} lies under. */
    public static String prefix(String batchId) {
        return "batches/" + batchId;
    }
}
