package dev.sluice.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One item of a batch, parsed from a line {@code {"index": i, "payload": <any JSON>, ...}}.
 *
 * <p>The payload is held as the UTF-8 bytes the client sent ({@link #payloadBytes()}), cut out of the line with one
 * copy; {@link #payload()} decodes it to a {@link String} on first use, for callers that want text (small items,
 * envelopes). Two items are equal when their index, line, payload bytes and extra fields are.
 *
 * <p>Not thread-safe to share before {@link #payload()} has been called once (the decoded text is cached without
 * synchronisation; a race only decodes twice).
 */
public final class IngestItem implements ParsedLine {
    private final long index;
    private final long line;
    private final byte[] payloadBytes;
    private final ObjectNode extra;
    private String payload;

    /**
     * @param index the item's index, in {@code [0, expectedCount)}
     * @param line the 1-based line number it came from
     * @param payload the {@code "payload"} value exactly as the client wrote it, or {@code null} when the line has none
     * @param extra every other top-level field; empty if none
     */
    public IngestItem(long index, long line, String payload, ObjectNode extra) {
        this(index, line, payload == null ? null : payload.getBytes(StandardCharsets.UTF_8), extra);
        this.payload = payload;
    }

    /**
     * @param payloadBytes the {@code "payload"} value as UTF-8 bytes exactly as sent (the item owns the array; it is
     *     not copied), or {@code null} when the line has none
     */
    public IngestItem(long index, long line, byte[] payloadBytes, ObjectNode extra) {
        this.index = index;
        this.line = line;
        this.payloadBytes = payloadBytes;
        this.extra = extra;
    }

    /** The item's index, in {@code [0, expectedCount)}. */
    public long index() {
        return index;
    }

    /** The 1-based line number it came from. */
    @Override
    public long line() {
        return line;
    }

    /**
     * The {@code "payload"} value exactly as the client wrote it (original JSON text: number formats, key order and
     * whitespace inside are kept), or {@code null} when the line has no {@code "payload"} field. Decoded from
     * {@link #payloadBytes()} on first call.
     */
    public String payload() {
        String p = payload;
        if (p == null && payloadBytes != null) {
            p = new String(payloadBytes, StandardCharsets.UTF_8);
            payload = p;
        }
        return p;
    }

    /**
     * The {@code "payload"} value as the UTF-8 bytes the client sent, or {@code null} when the line has none. The
     * item's own array, not a copy: do not modify it.
     */
    public byte[] payloadBytes() {
        return payloadBytes;
    }

    /** Every other top-level field, e.g. trigger.dev's {@code task} and {@code options}; empty if none. */
    public ObjectNode extra() {
        return extra;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof IngestItem other && index == other.index && line == other.line
                && Arrays.equals(payloadBytes, other.payloadBytes) && Objects.equals(extra, other.extra);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, line, Arrays.hashCode(payloadBytes), extra);
    }

    @Override
    public String toString() {
        return "IngestItem[index=" + index + ", line=" + line + ", payload=" + payload() + ", extra=" + extra + "]";
    }
}
