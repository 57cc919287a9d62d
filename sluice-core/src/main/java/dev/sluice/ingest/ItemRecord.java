package dev.sluice.ingest;

/**
 * One stored index of a batch: its payload inline (JSON text), a reference to an offloaded payload in the object
 * store, or a failure (an item that could not be taken, e.g. too large) — exactly one of the three.
 *
 * @param payloadBytes the payload's size in UTF-8 bytes (inline or offloaded; 0 for a failure)
 */
public record ItemRecord(long index, String payload, String objectKey, long payloadBytes, String errorCode,
        String errorMessage) {

    public ItemRecord {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        int kinds = (payload != null ? 1 : 0) + (objectKey != null ? 1 : 0) + (errorCode != null ? 1 : 0);
        if (kinds != 1) {
            throw new IllegalArgumentException("an item holds exactly one of payload, objectKey, errorCode");
        }
    }

    public static ItemRecord inline(long index, String payloadJson, long bytes) {
        return new ItemRecord(index, payloadJson, null, bytes, null, null);
    }

    public static ItemRecord offloaded(long index, String objectKey, long bytes) {
        return new ItemRecord(index, null, objectKey, bytes, null, null);
    }

    public static ItemRecord failed(long index, String code, String message) {
        return new ItemRecord(index, null, null, 0, code, message);
    }

    public boolean failed() {
        return errorCode != null;
    }
}
