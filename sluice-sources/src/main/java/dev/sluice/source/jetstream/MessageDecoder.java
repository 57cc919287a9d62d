package dev.sluice.source.jetstream;

import dev.sluice.replay.Event;
import dev.sluice.replay.EventJson;
import dev.sluice.source.jetstream.Link.Message;
import java.io.IOException;
import java.util.OptionalLong;

/**
 * Turns a stream's messages into events, counting them, so that a message that is not a Jetstream event is reported
 * with the stream's URL, its ordinal, the last good {@code time_us} and an excerpt. A binary message (Jetstream sends
 * those only when asked for compression, which this client never does) is such an error too.
 *
 * <p>The reader's own: not thread-safe.
 */
final class MessageDecoder {
    /** How much of a malformed message its error shows. */
    static final int EXCERPT_CHARS = 200;

    private final String describe;
    private long ordinal;

    MessageDecoder(String describe) {
        this.describe = describe;
    }

    /**
     * The event in {@code m}, or null for a kind this version does not know (skipped, as Jetstream clients are told).
     *
     * @param lastUs the {@code time_us} of the last event delivered, for the error message
     * @throws IOException when {@code m} is not a Jetstream event
     */
    Event decode(Message m, OptionalLong lastUs) throws IOException {
        ordinal++;
        if (m.binary()) {
            throw new IOException(where(lastUs) + " is binary; Jetstream sends binary only when asked to compress");
        }
        try {
            return EventJson.parse(m.text());
        } catch (EventJson.FormatException ex) {
            throw new IOException(where(lastUs) + " is not a Jetstream event: " + ex.getMessage() + "; it begins "
                    + excerpt(m.text()), ex);
        }
    }

    private String where(OptionalLong lastUs) {
        return describe + ": message " + ordinal
                + (lastUs.isPresent() ? " (after time_us " + lastUs.getAsLong() + ")" : "");
    }

    /**
     * The first {@value #EXCERPT_CHARS} characters of a message, quoted, control characters escaped, and its size
     * when that is not all of it: enough to see what came instead of an event, never a whole large message.
     */
    static String excerpt(String text) {
        StringBuilder sb = new StringBuilder("\"");
        int[] shown = text.codePoints().limit(EXCERPT_CHARS).toArray();
        for (int c : shown) {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        }
        sb.append('"');
        boolean whole = shown.length == text.codePointCount(0, text.length());
        return whole ? sb.toString() : sb + " (" + EventJson.utf8Length(text) + " bytes in all)";
    }
}
