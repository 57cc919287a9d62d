package dev.sluice.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Jetstream's JSON event format, both ways: {@link #parse} for what a source receives, {@link #write} for what the
 * simulator sends and a recording holds.
 *
 * <p>The {@code record} of a commit is not turned into a tree: its bytes are cut out of the message by the parser's
 * offsets and kept as text, so what is stored is what was sent. Unknown top-level fields are ignored; an event of a
 * kind this version does not know parses to null (skipped, as Jetstream clients are told to do).
 *
 * <p>Stateless and thread-safe.
 */
public final class EventJson {
    private static final JsonFactory JSON = new JsonFactory();

    private EventJson() {}

    /** A message that is not a Jetstream event; the message says which field is wrong. */
    public static final class FormatException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public FormatException(String message) {
            super(message);
        }
    }

    /**
     * Parses one message received as text, without encoding it back to UTF-8: a WebSocket client hands over text
     * frames already decoded, and a round trip through bytes would cost the reader as much again. The event's
     * {@code sizeBytes} is the text's UTF-8 length all the same.
     *
     * @return the event, or null for a kind this version does not know
     * @throws FormatException naming the missing or malformed field
     */
    public static Event parse(String text) {
        try (JsonParser p = JSON.createParser(text)) {
            return parse(p, (from, to) -> text.substring((int) from.getCharOffset(), (int) to.getCharOffset()),
                    utf8Length(text));
        } catch (IOException e) {
            throw new FormatException("event could not be read: " + e.getMessage());
        }
    }

    /**
     * Parses one message.
     *
     * @return the event, or null for a kind this version does not know
     * @throws FormatException naming the missing or malformed field
     */
    public static Event parse(byte[] utf8) {
        return parse(utf8, 0, utf8.length);
    }

    public static Event parse(byte[] utf8, int offset, int length) {
        try (JsonParser p = JSON.createParser(utf8, offset, length)) {
            return parse(p, (from, to) -> new String(utf8, offset + (int) from.getByteOffset(),
                    (int) (to.getByteOffset() - from.getByteOffset()), StandardCharsets.UTF_8), length);
        } catch (IOException e) {
            throw new FormatException("event could not be read: " + e.getMessage());
        }
    }

    /** How many bytes {@code s} takes in UTF-8, without encoding it (an unpaired surrogate counts as {@code ?}). */
    public static int utf8Length(CharSequence s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // the pair is 4 bytes for 2 chars
                    i++;
                } else if (Character.isSurrogate(c)) {
                    // encoded as '?', one byte
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /** Cuts the text between two parser locations out of the message (the raw {@code record}). */
    private interface Slicer {
        String slice(JsonLocation from, JsonLocation to);
    }

    private static Event parse(JsonParser p, Slicer slicer, int sizeBytes) throws IOException {
        try {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new FormatException("an event must be a JSON object");
            }
            String did = null;
            Long timeUs = null;
            String kind = null;
            Event.Commit commit = null;
            Event.Identity identity = null;
            Event.Account account = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "did" -> did = text(p, t, "did");
                    case "time_us" -> timeUs = number(p, t, "time_us");
                    case "kind" -> kind = text(p, t, "kind");
                    case "commit" -> commit = commit(p, t, slicer);
                    case "identity" -> identity = identity(p, t);
                    case "account" -> account = account(p, t);
                    default -> p.skipChildren();
                }
            }
            if (did == null) {
                throw new FormatException("event has no \"did\"");
            }
            if (timeUs == null) {
                throw new FormatException("event of " + did + " has no \"time_us\"");
            }
            if (kind == null) {
                throw new FormatException("event at time_us " + timeUs + " has no \"kind\"");
            }
            return switch (kind) {
                case "commit" -> Event.commit(did, timeUs, require(commit, "commit", timeUs), sizeBytes);
                case "identity" -> Event.identity(did, timeUs, require(identity, "identity", timeUs), sizeBytes);
                case "account" -> Event.account(did, timeUs, require(account, "account", timeUs), sizeBytes);
                default -> null;
            };
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new FormatException("event is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static <T> T require(T body, String kind, long timeUs) {
        if (body == null) {
            throw new FormatException("\"" + kind + "\" event at time_us " + timeUs + " has no \"" + kind + "\" object");
        }
        return body;
    }

    private static Event.Commit commit(JsonParser p, JsonToken t, Slicer slicer) throws IOException {
        expectObject(t, "commit");
        String rev = null;
        String operation = null;
        String collection = null;
        String rkey = null;
        String cid = null;
        String record = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "rev" -> rev = text(p, v, "commit.rev");
                case "operation" -> operation = text(p, v, "commit.operation");
                case "collection" -> collection = text(p, v, "commit.collection");
                case "rkey" -> rkey = text(p, v, "commit.rkey");
                case "cid" -> cid = v == JsonToken.VALUE_NULL ? null : text(p, v, "commit.cid");
                case "record" -> {
                    if (v == JsonToken.VALUE_NULL) {
                        record = null;
                    } else {
                        JsonLocation start = p.currentTokenLocation();
                        p.skipChildren();
                        record = slicer.slice(start, p.currentLocation());
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (rev == null || operation == null || collection == null || rkey == null) {
            throw new FormatException("commit needs \"rev\", \"operation\", \"collection\" and \"rkey\"");
        }
        Event.Operation op = switch (operation) {
            case "create" -> Event.Operation.CREATE;
            case "update" -> Event.Operation.UPDATE;
            case "delete" -> Event.Operation.DELETE;
            default -> throw new FormatException("commit.operation must be create, update or delete, was \""
                    + operation + "\"");
        };
        if (op == Event.Operation.DELETE) {
            cid = null;
            record = null;
        } else if (record == null) {
            throw new FormatException("a " + operation + " commit needs a \"record\"");
        }
        return new Event.Commit(rev, op, collection, rkey, cid, record);
    }

    private static Event.Identity identity(JsonParser p, JsonToken t) throws IOException {
        expectObject(t, "identity");
        String handle = null;
        long seq = 0;
        String time = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "handle" -> handle = v == JsonToken.VALUE_NULL ? null : text(p, v, "identity.handle");
                case "seq" -> seq = number(p, v, "identity.seq");
                case "time" -> time = text(p, v, "identity.time");
                default -> p.skipChildren();
            }
        }
        return new Event.Identity(handle, seq, time);
    }

    private static Event.Account account(JsonParser p, JsonToken t) throws IOException {
        expectObject(t, "account");
        boolean active = false;
        String status = null;
        long seq = 0;
        String time = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "active" -> {
                    if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
                        throw new FormatException("account.active must be true or false");
                    }
                    active = v == JsonToken.VALUE_TRUE;
                }
                case "status" -> status = v == JsonToken.VALUE_NULL ? null : text(p, v, "account.status");
                case "seq" -> seq = number(p, v, "account.seq");
                case "time" -> time = text(p, v, "account.time");
                default -> p.skipChildren();
            }
        }
        return new Event.Account(active, status, seq, time);
    }

    private static void expectObject(JsonToken t, String field) {
        if (t != JsonToken.START_OBJECT) {
            throw new FormatException("\"" + field + "\" must be an object");
        }
    }

    private static String text(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw new FormatException("\"" + field + "\" must be a string");
        }
        return p.getText();
    }

    private static long number(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw new FormatException("\"" + field + "\" must be an integer");
        }
        return p.getLongValue();
    }

    /** The event as one line of Jetstream JSON (no newline). */
    public static String write(Event e) {
        return new String(writeBytes(e), StandardCharsets.UTF_8);
    }

    public static byte[] writeBytes(Event e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("did", e.did());
            g.writeNumberField("time_us", e.timeUs());
            g.writeStringField("kind", e.kind().name().toLowerCase(Locale.ROOT));
            switch (e.kind()) {
                case COMMIT -> {
                    Event.Commit c = e.commit();
                    g.writeObjectFieldStart("commit");
                    g.writeStringField("rev", c.rev());
                    g.writeStringField("operation", c.operation().name().toLowerCase(Locale.ROOT));
                    g.writeStringField("collection", c.collection());
                    g.writeStringField("rkey", c.rkey());
                    if (c.recordJson() != null) {
                        g.writeFieldName(new SerializedString("record"));
                        g.writeRawValue(c.recordJson());
                    }
                    if (c.cid() != null) {
                        g.writeStringField("cid", c.cid());
                    }
                    g.writeEndObject();
                }
                case IDENTITY -> {
                    Event.Identity i = e.identity();
                    g.writeObjectFieldStart("identity");
                    g.writeStringField("did", e.did());
                    if (i.handle() != null) {
                        g.writeStringField("handle", i.handle());
                    }
                    g.writeNumberField("seq", i.seq());
                    g.writeStringField("time", i.time());
                    g.writeEndObject();
                }
                case ACCOUNT -> {
                    Event.Account a = e.account();
                    g.writeObjectFieldStart("account");
                    g.writeBooleanField("active", a.active());
                    g.writeStringField("did", e.did());
                    g.writeNumberField("seq", a.seq());
                    if (a.status() != null) {
                        g.writeStringField("status", a.status());
                    }
                    g.writeStringField("time", a.time());
                    g.writeEndObject();
                }
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }
}
