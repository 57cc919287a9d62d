package dev.sluice.ingest;

/**
 * How one API surface turns a parsed line into what is stored for its index. The native API stores the
 * {@code payload} as sent; another surface may wrap it in an envelope, or point at an object the client already
 * uploaded.
 *
 * <p>Duties of an implementation: called on the stream's thread, one item at a time. A form refuses an item by
 * throwing an unchecked exception of its own choosing (a surface's error, say): the stream ends there as at a bad
 * line — everything before it is committed first — and the exception reaches the engine's caller as thrown.
 */
@FunctionalInterface
public interface ItemForm {

    /** The stored form of {@code item}. */
    Stored of(IngestItem item);

    /** What is stored for one index. */
    sealed interface Stored permits Json, JsonBytes, ObjectRef {
    }

    /** JSON text, stored inline or offloaded to the object store by size like any payload. */
    record Json(String text) implements Stored {
    }

    /**
     * JSON as UTF-8 bytes (e.g. a payload exactly as the client sent it), stored like {@link Json} without being
     * turned into a {@link String} first: offloaded as these bytes, decoded only to be stored inline. The array is
     * not copied; nothing may change it afterwards.
     */
    record JsonBytes(byte[] utf8) implements Stored {
    }

    /**
     * An object already in the store, referenced as it is; it is checked to exist before the row is written.
     *
     * @param bytes the object's size as the client declared it
     */
    record ObjectRef(String key, long bytes) implements Stored {
    }

    /** The native form: the payload exactly as sent ({@code null} when the line has none). */
    ItemForm NATIVE = item -> item.payloadBytes() == null ? new Json("null") : new JsonBytes(item.payloadBytes());
}
