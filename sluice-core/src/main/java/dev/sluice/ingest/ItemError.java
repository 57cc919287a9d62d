package dev.sluice.ingest;

/**
 * Why a line cannot be stored as an item.
 *
 * <p>Only {@link Code#PAYLOAD_TOO_LARGE} names a storable failure: the item is recorded as failed at
 * {@link #index()} (always set, always in range) and the batch can still seal. Every other code stops the stream: items
 * before the line stay accepted.
 *
 * @param code what went wrong
 * @param line the 1-based line number
 * @param index the item's index when it is known and a {@code long}, else {@code null}
 * @param message a sentence for the client, starting with {@code "line N: "}
 */
public record ItemError(Code code, long line, Long index, String message) implements ParsedLine {

    public enum Code {
        /** Not a JSON object, not valid JSON, trailing content, a duplicate top-level field, or an index that is not an integer. */
        MALFORMED_JSON,
        /** No top-level {@code "index"} (for an oversized line: none in the prefix that was kept). */
        MISSING_INDEX,
        /** An integral index that is negative or {@code >= expectedCount}. */
        INDEX_OUT_OF_RANGE,
        /** The line is not valid UTF-8. */
        INVALID_UTF8,
        /** The line is over the size limit; {@link #index()} says where to record the failed item. */
        PAYLOAD_TOO_LARGE
    }
}
