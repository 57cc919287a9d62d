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
import java.util.Objects;

/**
 * Turns one {@link Line} of a batch stream into an {@link IngestItem} or an {@link ItemError}.
 *
 * <p>A line must be one JSON object with an integral top-level {@code "index"} in {@code [0, expectedCount)}. The
 * {@code "payload"} value is not turned into a tree: its original text is cut out of the line by the parser's
 * offsets, so what is stored is byte for byte what the client sent. Other top-level fields become {@link JsonNode}s.
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
            case RECORD -> record(line.text(), number, expectedCount);
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

    private static ParsedLine record(String text, long number, long expectedCount) {
        String at = "line " + number + ": ";
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return malformed(number, at + "expected a JSON object, found " + describe(first));
            }
            ObjectNode extra = JsonNodeFactory.instance.objectNode();
            String payload = null;
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
                        int start = (int) parser.currentTokenLocation().getCharOffset();
                        // A string value is read lazily: finish it, or the end offset is still inside it.
                        parser.finishToken();
                        parser.skipChildren();
                        int end = (int) parser.currentLocation().getCharOffset();
                        payload = text.substring(start, end);
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
            return new IngestItem(index, number, payload, extra);
        } catch (JsonProcessingException e) {
            return malformed(number, at + "malformed JSON at column " + e.getLocation().getColumnNr() + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            // Parsing a String does no I/O.
            throw new IllegalStateException(e);
        }
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
