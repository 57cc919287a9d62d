package dev.sluice.ingest;

/**
 * One non-blank line of an NDJSON stream, as {@link NdjsonReader} yields it.
 *
 * @param kind what the line is
 * @param number the 1-based line number in the stream; blank lines count
 * @param byteLength the line's length in bytes, without its {@code \n} or {@code \r\n}; for {@link Kind#OVERSIZED}
 *     the whole length, although only a prefix was kept
 * @param text the decoded line for {@link Kind#RECORD}, otherwise {@code null}
 * @param sniffedIndex for {@link Kind#OVERSIZED}, the top-level {@code "index"} found in the line's prefix, or
 *     {@code null}; otherwise {@code null}
 * @param badByteOffset for {@link Kind#INVALID_UTF8}, the offset in the line of the first byte that is not valid
 *     UTF-8; otherwise {@code -1}
 * @param problem for {@link Kind#INVALID_UTF8} and {@link Kind#OVERSIZED}, what is wrong, without the line number;
 *     otherwise {@code null}
 */
public record Line(Kind kind, long number, long byteLength, String text, Long sniffedIndex, int badByteOffset,
        String problem) {

    public enum Kind {
        /** A line within the limit and valid UTF-8: {@link #text()} holds it, for the caller to parse. */
        RECORD,
        /** A line that is not valid UTF-8: the stream is bad from here on; the caller decides whether to go on. */
        INVALID_UTF8,
        /** A line longer than the reader's limit: it was skipped without being held in memory. */
        OVERSIZED
    }

    static Line record(long number, long byteLength, String text) {
        return new Line(Kind.RECORD, number, byteLength, text, null, -1, null);
    }

    static Line invalidUtf8(long number, long byteLength, int badByteOffset) {
        return new Line(Kind.INVALID_UTF8, number, byteLength, null, null, badByteOffset,
                "invalid UTF-8 at byte " + badByteOffset + " of the line");
    }

    static Line oversized(long number, long byteLength, long limit, Long sniffedIndex) {
        return new Line(Kind.OVERSIZED, number, byteLength, null, sniffedIndex, -1,
                "line of " + byteLength + " bytes is over the limit of " + limit + " bytes");
    }
}
