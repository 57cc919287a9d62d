package dev.sluice.objects;

import java.io.IOException;
import java.io.InputStream;

/**
 * Payload blobs, by key. Keys are relative paths of {@code [A-Za-z0-9._-]} segments separated by {@code /}; an
 * implementation rejects anything else (no {@code ..}, no absolute paths), so a key can never escape the store.
 *
 * <p>Duties of an implementation: {@link #put} is atomic — a reader sees the whole object or none — and putting
 * the same key again replaces it (so a retried offload is idempotent). Safe for many threads.
 */
public interface ObjectStore extends AutoCloseable {

    /** Stores {@code length} bytes from {@code data} under {@code key}. */
    void put(String key, InputStream data, long length) throws IOException;

    /** Stores {@code bytes} under {@code key}. */
    default void put(String key, byte[] bytes) throws IOException {
        put(key, new java.io.ByteArrayInputStream(bytes), bytes.length);
    }

    /** Opens the object; the caller closes the stream. Throws {@link java.io.FileNotFoundException} if absent. */
    InputStream get(String key) throws IOException;

    /** Removes the object if present. */
    void delete(String key) throws IOException;

    /**
     * Removes every object whose key lies under {@code prefix} (keys starting with {@code prefix + "/"}), and returns
     * how many there were. For what no row may point at any more, such as an expired batch's payloads, including
     * any a crashed or raced stream stored before its row could be written.
     *
     * @param prefix a valid key; nothing outside it is touched
     */
    int deleteAll(String prefix) throws IOException;

    /** A description for logs and errors, without credentials (e.g. {@code file:/data/objects}). */
    String describe();

    @Override
    default void close() {
    }

    /** Checks a key, with a message naming it when it is not acceptable. */
    static String checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > 1024 || key.startsWith("/") || key.endsWith("/")) {
            throw new IllegalArgumentException("object key '" + key + "' must be a relative path of 1-1024 characters");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")
                    || !segment.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("object key '" + key
                        + "' must be segments of [A-Za-z0-9._-] separated by '/', without '.' or '..'");
            }
        }
        return key;
    }
}
