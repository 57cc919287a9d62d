package dev.sluice.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ingest.ItemError.Code;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ItemParserTest {
    private static final long COUNT = 10;

    private static ParsedLine parse(String text) {
        return ItemParser.parse(Line.record(7, text.getBytes(UTF_8).length, text), COUNT);
    }

    @ParameterizedTest(name = "{0} -> payload {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"index":3,"payload":{"a":1}}                                  | 3 | {"a":1}
            {"index":0,"payload": {"b" : 1.50e3, "a":[1, 2]} }             | 0 | {"b" : 1.50e3, "a":[1, 2]}
            {"payload":"he said \\"hi\\" é𝄞","index":9}                   | 9 | "he said \\"hi\\" é𝄞"
            {"index":1,"payload":12}                                       | 1 | 12
            {"payload":-1.5e-3 ,"index":2}                                 | 2 | -1.5e-3
            {"index":4,"payload":null}                                     | 4 | null
            {"index":5,"payload":true}                                     | 5 | true
            {"index":6,"payload":[]}                                       | 6 | []
            {"index":7,"payload":"index"}                                  | 7 | "index"
            {"index":8,"payload":{"index":99,"payload":{"payload":1}}}     | 8 | {"index":99,"payload":{"payload":1}}
            {"index":8,"payload":{"dup":1,"dup":2}}                        | 8 | {"dup":1,"dup":2}
            """)
    void keepsThePayloadAsTheClientWroteIt(String text, long index, String payload) {
        ParsedLine parsed = parse(text);
        assertThat(parsed).isInstanceOf(IngestItem.class);
        IngestItem item = (IngestItem) parsed;
        assertThat(item.index()).isEqualTo(index);
        assertThat(item.line()).isEqualTo(7);
        assertThat(item.payload()).isEqualTo(payload);
        assertThat(item.extra().isEmpty()).isTrue();
    }

    @Test
    void keepsOtherTopLevelFieldsAsTrees() {
        IngestItem item = (IngestItem) parse("{\"index\":1,\"task\":\"email\",\"payload\":\"s3/key\","
                + "\"options\":{\"payloadType\":\"application/store\",\"payloadSize\":200000},\"none\":null}");
        assertThat(item.payload()).isEqualTo("\"s3/key\"");
        assertThat(item.extra().get("task").asText()).isEqualTo("email");
        assertThat(item.extra().at("/options/payloadType").asText()).isEqualTo("application/store");
        assertThat(item.extra().at("/options/payloadSize").asLong()).isEqualTo(200000);
        assertThat(item.extra().get("none").isNull()).isTrue();
    }

    @Test
    void aMissingPayloadIsNull() {
        IngestItem item = (IngestItem) parse("{\"index\":0}");
        assertThat(item.payload()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            [1,2]                                | MALFORMED_JSON     |    | line 7: expected a JSON object, found an array
            "x"                                  | MALFORMED_JSON     |    | line 7: expected a JSON object, found a string
            3                                    | MALFORMED_JSON     |    | line 7: expected a JSON object, found an integer
            null                                 | MALFORMED_JSON     |    | line 7: expected a JSON object, found null
            {}                                   | MISSING_INDEX      |    | line 7: missing "index"
            {"payload":{"index":1}}              | MISSING_INDEX      |    | line 7: missing "index"
            {"index":"3","payload":1}            | MALFORMED_JSON     |    | line 7: "index" must be an integer, found a string
            {"index":3.5}                        | MALFORMED_JSON     |    | line 7: "index" must be an integer, found a fractional number
            {"index":3.0}                        | MALFORMED_JSON     |    | line 7: "index" must be an integer, found a fractional number
            {"index":1e2}                        | MALFORMED_JSON     |    | line 7: "index" must be an integer, found a fractional number
            {"index":null}                       | MALFORMED_JSON     |    | line 7: "index" must be an integer, found null
            {"index":{"i":1}}                    | MALFORMED_JSON     |    | line 7: "index" must be an integer, found an object
            {"index":12}                         | INDEX_OUT_OF_RANGE | 12 | line 7: index 12 is out of range [0, 10)
            {"index":10}                         | INDEX_OUT_OF_RANGE | 10 | line 7: index 10 is out of range [0, 10)
            {"index":-1}                         | INDEX_OUT_OF_RANGE | -1 | line 7: index -1 is out of range [0, 10)
            {"index":99999999999999999999}       | INDEX_OUT_OF_RANGE |    | line 7: index 99999999999999999999 is out of range [0, 10)
            {"index":1,"index":2}                | MALFORMED_JSON     |    | line 7: duplicate field "index"
            {"index":1,"payload":1,"payload":2}  | MALFORMED_JSON     |    | line 7: duplicate field "payload"
            {"index":1,"task":"a","task":"b"}    | MALFORMED_JSON     |    | line 7: duplicate field "task"
            {"index":1}{"index":2}               | MALFORMED_JSON     |    | line 7: trailing content after the JSON object
            """)
    void rejectsWithAPreciseError(String text, Code code, Long index, String message) {
        assertThat(parse(text)).isEqualTo(new ItemError(code, 7, index, message));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"index":1,                | 12
            {index:1}                  | 2
            {"index":1,"payload":}     | 22
            {"index":1} x              | 14
            {"index":1,"payload":"a    | 24
            """)
    void malformedJsonNamesTheLineAndColumn(String text, int column) {
        ItemError error = (ItemError) parse(text);
        assertThat(error.code()).isEqualTo(Code.MALFORMED_JSON);
        assertThat(error.line()).isEqualTo(7);
        assertThat(error.index()).isNull();
        assertThat(error.message()).startsWith("line 7: malformed JSON at column " + column + ": ");
    }

    @Test
    void invalidUtf8IsReportedWithItsLine() {
        Line line = Line.invalidUtf8(7, 20, 6);
        assertThat(ItemParser.parse(line, COUNT))
                .isEqualTo(new ItemError(Code.INVALID_UTF8, 7, null, "line 7: invalid UTF-8 at byte 6 of the line"));
    }

    @Test
    void anOversizedLineIsAFailedItemAtItsIndex() {
        assertThat(ItemParser.parse(Line.oversized(7, 5000, 1000, 3L), COUNT)).isEqualTo(new ItemError(
                Code.PAYLOAD_TOO_LARGE, 7, 3L,
                "line 7: item 3 is too large: line of 5000 bytes is over the limit of 1000 bytes"));
        assertThat(ItemParser.parse(Line.oversized(7, 5000, 1000, 12L), COUNT)).isEqualTo(new ItemError(
                Code.INDEX_OUT_OF_RANGE, 7, 12L, "line 7: index 12 is out of range [0, 10)"));
        assertThat(ItemParser.parse(Line.oversized(7, 5000, 1000, null), COUNT)).isEqualTo(new ItemError(
                Code.MISSING_INDEX, 7, null, "line 7: line of 5000 bytes is over the limit of 1000 bytes, and no"
                        + " top-level \"index\" was found at its start"));
    }

    @Test
    void readsAStreamEndToEnd() throws IOException {
        String stream = "{\"index\":0,\"payload\":\"a\"}\r\n\n{\"index\":1,\"payload\":\"" + "x".repeat(200)
                + "\"}\n{\"index\":2,\"payload\":[\"b\"]}\n{\"index\":42}";
        NdjsonReader reader = new NdjsonReader(new ByteArrayInputStream(stream.getBytes(UTF_8)), 100);
        assertThat(ItemParser.parse(reader.next(), 3)).isEqualTo(new IngestItem(0, 1, "\"a\"", emptyExtra()));
        assertThat(ItemParser.parse(reader.next(), 3)).isEqualTo(new ItemError(Code.PAYLOAD_TOO_LARGE, 3, 1L,
                "line 3: item 1 is too large: line of 224 bytes is over the limit of 100 bytes"));
        assertThat(ItemParser.parse(reader.next(), 3)).isEqualTo(new IngestItem(2, 4, "[\"b\"]", emptyExtra()));
        assertThat(ItemParser.parse(reader.next(), 3)).isEqualTo(new ItemError(Code.INDEX_OUT_OF_RANGE, 5, 42L,
                "line 5: index 42 is out of range [0, 3)"));
        assertThat(reader.next()).isNull();
    }

    @Test
    void rejectsANegativeExpectedCount() {
        assertThatThrownBy(() -> ItemParser.parse(Line.record(1, 2, "{}"), -1))
                .hasMessage("expectedCount must be >= 0, was -1");
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode emptyExtra() {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }
}
