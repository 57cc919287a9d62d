package dev.sluice.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Turns one {@link Line} of a batch stream into an {@link IngestItem} or an {@link ItemError}.
 *
 * <p>A line must be one JSON object with an integral top-level {@code "index"} in {@code [0, expectedCount)}. The
 * {@code "payload"} value is not turned into a tree, nor into a {@link String}: the line is parsed as bytes, and the
 * payload's byte range is cut out of it by the parser's offsets (one copy, into {@link IngestItem#payloadBytes()}), so
 * what is stored is byte for byte what the client sent. A string payload is not even decoded: its end is found by
 * scanning for the closing quote. Other top-level fields become {@link JsonNode}s.
 *
 * <p>Lines that are not valid JSON (and the odd line the byte parser would read differently: one that starts with a
 * byte order mark or has a NUL in its first four bytes, where Jackson guesses another encoding) are parsed again as
 * text, as before, so every error message, column included, is what it always was.
 * Duplicate top-level fields are rejected (which {@code "index"} would count?); inside the payload they are the
 * client's business.
 *
 * <p>Stateless and thread-safe.
 */
public final class ItemParser {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = MAPPER.getFactory();

    private ItemParser() {}

    public static ParsedLine parse(Line line, long expectedCount) {
        Objects.requireNonNull(line, "line");
        if (expectedCount < 0) {
            throw new IllegalArgumentException("expectedCount must be >= 0, was " + expectedCount);
        }
        long number = line.number();
        return switch (line.kind()) {
            case INVALID_UTF8 -> new ItemError(ItemError.Code.INVALID_UTF8, number, null,
                    "line " + number + ": " + line.problem());
            case OVERSIZED -> oversized(line, expectedCount);
            case RECORD -> record(line, number, expectedCount);
        };
    }

    private static ParsedLine oversized(Line line, long expectedCount) {
        long number = line.number();
        Long index = line.sniffedIndex();
        if (index == null) {
            return new ItemError(ItemError.Code.MISSING_INDEX, number, null, "line " + number + ": " + line.problem()
                    + ", and no top-level \"index\" was found at its start");
        }
        if (index < 0 || index >= expectedCount) {
            return outOfRange(number, index.toString(), index, expectedCount);
        }
        return new ItemError(ItemError.Code.PAYLOAD_TOO_LARGE, number, index,
                "line " + number + ": item " + index + " is too large: " + line.problem());
    }

    /** The old way, for tests to compare with: a record line parsed from its {@link Line#text()}. */
    static ParsedLine parseAsText(Line line, long expectedCount) {
        return record(line.text(), line.number(), expectedCount);
    }

    private static ParsedLine record(Line line, long number, long expectedCount) {
        byte[] bytes = line.bytes();
        int length = (int) line.byteLength();
        if (readsAsUtf8(bytes, length)) {
            ParsedLine parsed = recordFromBytes(bytes, length, number, expectedCount);
            if (parsed != null) {
                return parsed;
            }
        }
        return record(line.text(), number, expectedCount);
    }

    /**
     * Whether Jackson's byte parser reads {@code bytes} as plain UTF-8 JSON: its bootstrapper skips a UTF-8 BOM and
     * takes NULs in the first four bytes as a sign of UTF-16 or UTF-32, where the text parser sees bad JSON.
     */
    private static boolean readsAsUtf8(byte[] bytes, int length) {
        if (length >= 3 && bytes[0] == (byte) 0xef && bytes[1] == (byte) 0xbb && bytes[2] == (byte) 0xbf) {
            return false;
        }
        for (int i = 0; i < Math.min(4, length); i++) {
            if (bytes[i] == 0) {
                return false;
            }
        }
        return true;
    }

    /** Counts payload copies, for the test that a large item is copied once; {@code null} in production. */
    static volatile Runnable payloadCopyHook;

    /**
     * The item or error in {@code bytes[0, length)}, or {@code null} if the line is not valid JSON (then the caller
     * parses it as text, for the exact error message).
     */
    private static ParsedLine recordFromBytes(byte[] bytes, int length, long number, long expectedCount) {
        return parseObject(new ByteSource(bytes, length), number, expectedCount);
    }

    /**
     * Where a line's JSON is read from. Both sources share {@link #parseObject}; they differ in how the payload's
     * raw text is cut out and in what malformed JSON becomes.
     */
    private interface Source {
        JsonParser open() throws IOException;

        /**
         * Called with the parser at the payload's first token: moves past the value and remembers where it lies;
         * false when the value cannot be delimited (the line is then not valid JSON).
         */
        boolean capturePayload(JsonParser parser, JsonToken value) throws IOException;

        IngestItem item(long index, long number, ObjectNode extra);

        /** What a line that is not valid JSON becomes: an error, or null to let the caller try again. */
        ParsedLine malformedJson(JsonProcessingException e, long number, String at);
    }

    /** The fast path: Jackson's byte parser; the payload is one copy of its byte range, never decoded. */
    private static final class ByteSource implements Source {
        private final byte[] bytes;
        private final int length;
        private int payloadStart = -1;
        private int payloadEnd = -1;

        ByteSource(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        @Override
        public JsonParser open() throws IOException {
            return JSON.createParser(bytes, 0, length);
        }

        @Override
        public boolean capturePayload(JsonParser parser, JsonToken value) throws IOException {
            payloadStart = (int) parser.currentTokenLocation().getByteOffset();
            if (value == JsonToken.VALUE_STRING) {
                // Left undecoded: the parser skips it on the next token; find its end here.
                payloadEnd = stringEnd(bytes, payloadStart, length);
                return payloadEnd >= 0;
            }
            parser.skipChildren();
            payloadEnd = (int) parser.currentLocation().getByteOffset();
            return true;
        }

        @Override
        public IngestItem item(long index, long number, ObjectNode extra) {
            byte[] payload = null;
            if (payloadStart >= 0) {
                payload = Arrays.copyOfRange(bytes, payloadStart, payloadEnd);
                Runnable hook = payloadCopyHook;
                if (hook != null) {
                    hook.run();
                }
            }
            return new IngestItem(index, number, payload, extra);
        }

        @Override
        public ParsedLine malformedJson(JsonProcessingException e, long number, String at) {
            return null;
        }
    }

    /** The text path: exact messages (with columns) for malformed JSON, and the reference the tests compare with. */
    private static final class TextSource implements Source {
        private final String text;
        private String payload;

        TextSource(String text) {
            this.text = text;
        }

        @Override
        public JsonParser open() throws IOException {
            return JSON.createParser(text);
        }

        @Override
        public boolean capturePayload(JsonParser parser, JsonToken value) throws IOException {
            int start = (int) parser.currentTokenLocation().getCharOffset();
            // A string value is read lazily: finish it, or the end offset is still inside it.
            parser.finishToken();
            parser.skipChildren();
            payload = text.substring(start, (int) parser.currentLocation().getCharOffset());
            return true;
        }

        @Override
        public IngestItem item(long index, long number, ObjectNode extra) {
            return new IngestItem(index, number, payload, extra);
        }

        @Override
        public ParsedLine malformedJson(JsonProcessingException e, long number, String at) {
            return malformed(number, at + "malformed JSON at column " + e.getLocation().getColumnNr() + ": "
                    + e.getOriginalMessage());
        }
    }

    /** One object line: its fields checked in one pass, whatever the source. Null means "try the text path". */
    private static ParsedLine parseObject(Source source, long number, long expectedCount) {
        String at = "line " + number + ": ";
        try (JsonParser parser = source.open()) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return malformed(number, at + "expected a JSON object, found " + describe(first));
            }
            ObjectNode extra = JsonNodeFactory.instance.objectNode();
            boolean sawPayload = false;
            long index = 0;
            String hugeIndex = null;
            String badIndex = null;
            boolean sawIndex = false;
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "index" -> {
                        if (sawIndex) {
                            return malformed(number, at + "duplicate field \"index\"");
                        }
                        sawIndex = true;
                        if (value == JsonToken.VALUE_NUMBER_INT
                                && parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            hugeIndex = parser.getText();
                        } else if (value == JsonToken.VALUE_NUMBER_INT) {
                            index = parser.getLongValue();
                        } else {
                            badIndex = describe(value);
                            parser.skipChildren();
                        }
                    }
                    case "payload" -> {
                        if (sawPayload) {
                            return malformed(number, at + "duplicate field \"payload\"");
                        }
                        sawPayload = true;
                        if (!source.capturePayload(parser, value)) {
                            return null;
                        }
                    }
                    default -> {
                        if (extra.has(name)) {
                            return malformed(number, at + "duplicate field \"" + name + "\"");
                        }
                        extra.set(name, MAPPER.readTree(parser));
                    }
                }
            }
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                return malformed(number, at + "trailing content after the JSON object");
            }
            if (!sawIndex) {
                return new ItemError(ItemError.Code.MISSING_INDEX, number, null, at + "missing \"index\"");
            }
            if (badIndex != null) {
                return malformed(number, at + "\"index\" must be an integer, found " + badIndex);
            }
            if (hugeIndex != null) {
                return outOfRange(number, hugeIndex, null, expectedCount);
            }
            if (index < 0 || index >= expectedCount) {
                return outOfRange(number, Long.toString(index), index, expectedCount);
            }
            return source.item(index, number, extra);
        } catch (JsonProcessingException e) {
            return source.malformedJson(e, number, at);
        } catch (IOException e) {
            // Parsing a byte array or a String does no I/O.
            throw new IllegalStateException(e);
        }
    }

    /**
     * The offset just after the closing quote of the JSON string whose opening quote is at {@code bytes[start]}, or
     * -1 if it has none before {@code length}. Bytes of multi-byte characters are all {@code >= 0x80}, so they never
     * look like a quote or a backslash.
     */
    static int stringEnd(byte[] bytes, int start, int length) {
        if (start >= length || bytes[start] != '"') {
            return -1;
        }
        for (int i = start + 1; i < length; i++) {
            byte b = bytes[i];
            if (b == '"') {
                return i + 1;
            }
            if (b == '\\') {
                i++;
            }
        }
        return -1;
    }

    private static ParsedLine record(String text, long number, long expectedCount) {
        return parseObject(new TextSource(text), number, expectedCount);
    }

    private static ItemError malformed(long number, String message) {
        return new ItemError(ItemError.Code.MALFORMED_JSON, number, null, message);
    }

    private static ItemError outOfRange(long number, String index, Long known, long expectedCount) {
        return new ItemError(ItemError.Code.INDEX_OUT_OF_RANGE, number, known,
                "line " + number + ": index " + index + " is out of range [0, " + expectedCount + ")");
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a fractional number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }
}
