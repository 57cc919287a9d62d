package dev.sluice.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;

/**
 * Finds the top-level {@code "index"} of an item from the first bytes of its line, which may end mid-token.
 *
 * <p>A real tokenizer, not a text search: Jackson's non-blocking parser reads the prefix token by token, and only a
 * field name at depth 1 counts, so {@code {"payload":"index","index":3}} and {@code {"payload":{"index":9},"index":3}}
 * both give 3. When the prefix ends, the parser answers {@code NOT_AVAILABLE} instead of guessing, so a number cut
 * in half ({@code "index":12} of {@code "index":123}) is never taken.
 */
final class IndexSniffer {
    private static final JsonFactory JSON = new JsonFactory();

    private IndexSniffer() {}

    /**
     * The top-level integral {@code "index"} in {@code bytes[0, length)}, or {@code null} if it is not there, not an
     * integer, not a {@code long}, or not yet complete.
     *
     * @param complete whether the bytes are the whole line (then a number at the very end counts)
     */
    static Long sniff(byte[] bytes, int length, boolean complete) {
        try (JsonParser parser = JSON.createNonBlockingByteArrayParser()) {
            ByteArrayFeeder feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
            feeder.feedInput(bytes, 0, length);
            if (complete) {
                feeder.endOfInput();
            }
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int depth = 1;
            boolean indexNext = false;
            while (depth > 0) {
                JsonToken token = parser.nextToken();
                if (token == null || token == JsonToken.NOT_AVAILABLE) {
                    return null;
                }
                if (indexNext) {
                    if (token == JsonToken.VALUE_NUMBER_INT
                            && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        return parser.getLongValue();
                    }
                    return null;
                }
                switch (token) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME -> indexNext = depth == 1 && "index".equals(parser.currentName());
                    default -> { }
                }
            }
            return null;
        } catch (IOException e) {
            // Malformed or undecodable prefix: no index, the caller reports the line as it is.
            return null;
        }
    }
}
