package dev.sluice.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One non-blank line of an NDJSON stream, as {@link NdjsonReader} yields it.
 *
 * <p>A {@link Kind#RECORD} line from a reader holds its content as bytes, in the reader's own line buffer
 * ({@link #bytes()}, first {@link #byteLength()} bytes): no copy is made per line. <b>Those bytes are valid only until
 * the reader's next {@link NdjsonReader#next()}</b>, which reuses the buffer; after it, {@link #bytes()} throws
 * {@link IllegalStateException}, and so does {@link #text()} unless it was called before. {@link #text()} decodes the
 * bytes lazily, once, for callers that want a {@link String}; the bytes are known to be valid UTF-8.
 *
 * <p>Two lines are equal when all their fields are, the content compared as bytes.
 */
public final class Line {

    public enum Kind {
        /** A line within the limit and valid UTF-8: {@link #bytes()} (or {@link #text()}) holds it, for the caller to parse. */
        RECORD,
        /** A line that is not valid UTF-8: the stream is bad from here on; the caller decides whether to go on. */
        INVALID_UTF8,
        /** A line longer than the reader's limit: it was skipped without being held in memory. */
        OVERSIZED
    }

    private final Kind kind;
    private final long number;
    private final long byteLength;
    private final Long sniffedIndex;
    private final int badByteOffset;
    private final String problem;
    /** The content of a record: {@code bytes[0, byteLength)}; for a line of a reader, its buffer. */
    private final byte[] bytes;
    /** The reader the bytes belong to (null when they are the line's own), and its line count when they were valid. */
    private final NdjsonReader owner;
    private final long generation;
    private String text;

    private Line(Kind kind, long number, long byteLength, byte[] bytes, NdjsonReader owner, long generation,
            String text, Long sniffedIndex, int badByteOffset, String problem) {
        this.kind = kind;
        this.number = number;
        this.byteLength = byteLength;
        this.bytes = bytes;
        this.owner = owner;
        this.generation = generation;
        this.text = text;
        this.sniffedIndex = sniffedIndex;
        this.badByteOffset = badByteOffset;
        this.problem = problem;
    }

    /** A record from its text (for tests and for callers that have a {@link String}). */
    static Line record(long number, long byteLength, String text) {
        return new Line(Kind.RECORD, number, byteLength, null, null, 0, Objects.requireNonNull(text, "text"), null,
                -1, null);
    }

    /** A record whose content is {@code buffer[0, byteLength)}, valid while {@code owner} is at {@code generation}. */
    static Line record(long number, int byteLength, byte[] buffer, NdjsonReader owner, long generation) {
        return new Line(Kind.RECORD, number, byteLength, buffer, owner, generation, null, null, -1, null);
    }

    static Line invalidUtf8(long number, long byteLength, int badByteOffset) {
        return new Line(Kind.INVALID_UTF8, number, byteLength, null, null, 0, null, null, badByteOffset,
                "invalid UTF-8 at byte " + badByteOffset + " of the line");
    }

    static Line oversized(long number, long byteLength, long limit, Long sniffedIndex) {
        return new Line(Kind.OVERSIZED, number, byteLength, null, null, 0, null, sniffedIndex, -1,
                "line of " + byteLength + " bytes is over the limit of " + limit + " bytes");
    }

    /** What the line is. */
    public Kind kind() {
        return kind;
    }

    /** The 1-based line number in the stream; blank lines count. */
    public long number() {
        return number;
    }

    /**
     * The line's length in bytes, without its {@code \n} or {@code \r\n}; for {@link Kind#OVERSIZED} the whole
     * length, although only a prefix was kept.
     */
    public long byteLength() {
        return byteLength;
    }

    /**
     * For {@link Kind#RECORD}, an array whose first {@link #byteLength()} bytes are the line (valid UTF-8), otherwise
     * {@code null}. Usually the reader's line buffer: do not modify it, and do not use it after the reader's next
     * {@link NdjsonReader#next()} (this method then throws).
     *
     * @throws IllegalStateException if the reader has moved on and the bytes are gone
     */
    public byte[] bytes() {
        if (kind != Kind.RECORD) {
            return null;
        }
        if (bytes == null) {
            // A line made from text: encode once (not a reader's line, so there is no buffer to share).
            byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
            return encoded;
        }
        checkValid();
        return bytes;
    }

    /** Whether {@link #bytes()} is the reader's buffer, not a fresh array (for tests). */
    boolean sharesBuffer() {
        return bytes != null;
    }

    /**
     * The decoded line for {@link Kind#RECORD}, otherwise {@code null}. Decoded on first call and kept.
     *
     * @throws IllegalStateException on the first call after the reader has moved on
     */
    public String text() {
        if (kind != Kind.RECORD) {
            return null;
        }
        String t = text;
        if (t == null) {
            checkValid();
            t = new String(bytes, 0, (int) byteLength, StandardCharsets.UTF_8);
            text = t;
        }
        return t;
    }

    /** For {@link Kind#OVERSIZED}, the top-level {@code "index"} found in the line's prefix, or {@code null}. */
    public Long sniffedIndex() {
        return sniffedIndex;
    }

    /** For {@link Kind#INVALID_UTF8}, the offset in the line of the first byte that is not valid UTF-8; else -1. */
    public int badByteOffset() {
        return badByteOffset;
    }

    /** For {@link Kind#INVALID_UTF8} and {@link Kind#OVERSIZED}, what is wrong, without the line number; else null. */
    public String problem() {
        return problem;
    }

    private void checkValid() {
        if (owner != null && owner.generation() != generation) {
            throw new IllegalStateException("line " + number + " is gone: the reader has moved on to the next line");
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Line other)) {
            return false;
        }
        if (kind != other.kind || number != other.number || byteLength != other.byteLength
                || badByteOffset != other.badByteOffset || !Objects.equals(sniffedIndex, other.sniffedIndex)
                || !Objects.equals(problem, other.problem)) {
            return false;
        }
        if (kind != Kind.RECORD) {
            return true;
        }
        if (bytes == null && other.bytes == null) {
            return text.equals(other.text);
        }
        byte[] a = bytes();
        byte[] b = other.bytes();
        int n = (int) byteLength;
        return a.length >= n && b.length >= n && Arrays.equals(a, 0, n, b, 0, n);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(kind, number, byteLength, sniffedIndex, badByteOffset, problem);
        if (kind == Kind.RECORD) {
            byte[] b = bytes();
            int n = (int) Math.min(byteLength, b.length);
            for (int i = 0; i < n; i++) {
                h = 31 * h + b[i];
            }
        }
        return h;
    }

    @Override
    public String toString() {
        return "Line[kind=" + kind + ", number=" + number + ", byteLength=" + byteLength + ", text="
                + (kind == Kind.RECORD && (text != null || owner == null || owner.generation() == generation) ? text()
                        : null)
                + ", sniffedIndex=" + sniffedIndex + ", badByteOffset=" + badByteOffset + ", problem=" + problem + "]";
    }
}
