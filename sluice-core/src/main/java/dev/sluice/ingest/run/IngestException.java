package dev.sluice.ingest.run;

import dev.sluice.ingest.ItemError;
import java.util.Objects;

/**
 * Why push ingest refused a stream, or the rest of it: what the client sent, an object it referenced, the object
 * store, or the batch's state. Everything taken before the refusal is committed; a retry of the same stream is
 * idempotent. Carries the 1-based line and the item's index where they are known, so an answer can name them.
 */
public final class IngestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong; the name is the code a client sees. */
    public enum Code {
        /** A line that is not one JSON object, or whose index is not an integer. */
        MALFORMED_JSON,
        /** A line with no top-level {@code "index"}. */
        MISSING_INDEX,
        /** A line that is not valid UTF-8. */
        INVALID_UTF8,
        /** An index below 0 or at or above the batch's expected count. */
        INDEX_OUT_OF_RANGE,
        /** An item references an object that is not in the object store. */
        OBJECT_NOT_FOUND,
        /** A payload could not be put into (or checked in) the object store. */
        OBJECT_STORE_UNAVAILABLE,
        /** The batch expired before it was complete, or while the stream was being taken. */
        BATCH_EXPIRED
    }

    private final Code code;
    private final Long line;
    private final Long index;

    /**
     * @param line  the 1-based line, or {@code null} when the refusal is not about one line
     * @param index the item's index, or {@code null} when unknown
     */
    public IngestException(Code code, String message, Long line, Long index) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
        this.line = line;
        this.index = index;
    }

    /** The refusal of a line the parser could not take ({@link ItemError.Code#PAYLOAD_TOO_LARGE} is no refusal). */
    static IngestException of(ItemError e) {
        Code code = switch (e.code()) {
            case MALFORMED_JSON -> Code.MALFORMED_JSON;
            case MISSING_INDEX -> Code.MISSING_INDEX;
            case INVALID_UTF8 -> Code.INVALID_UTF8;
            case INDEX_OUT_OF_RANGE -> Code.INDEX_OUT_OF_RANGE;
            case PAYLOAD_TOO_LARGE -> throw new IllegalArgumentException("an oversized item is stored as failed, "
                    + "not refused: " + e.message());
        };
        return new IngestException(code, e.message(), e.line(), e.index());
    }

    public Code code() {
        return code;
    }

    /** The 1-based line, or {@code null}. */
    public Long line() {
        return line;
    }

    /** The item's index, or {@code null}. */
    public Long index() {
        return index;
    }
}
