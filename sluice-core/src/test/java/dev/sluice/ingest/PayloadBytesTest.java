package dev.sluice.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The payload cut out of a line's bytes: same bytes as the old text path, copied once. */
class PayloadBytesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"index":1,"payload":"a\\"b\\\\\\"c\\\\"}                 | "a\\"b\\\\\\"c\\\\"
            {"index":1,"payload":"\\\\"}                               | "\\\\"
            {"index":1,"payload":"\\u00e9\\n\\t\\/é𝄞"}                 | "\\u00e9\\n\\t\\/é𝄞"
            {"index":1,"payload":{"a":{"b":[1,{"c":"}"}]},"d":"]"}}    | {"a":{"b":[1,{"c":"}"}]},"d":"]"}
            {"index":1,"payload":[[],[{}],"[",{"x":"\\"}"}]}          | [[],[{}],"[",{"x":"\\"}"}]
            {"index":1,"payload":12}                                  | 12
            {"index":1,"payload":-0.5E+10}                            | -0.5E+10
            {"index":1,"payload":0}                                   | 0
            {"payload":7,"index":1}                                   | 7
            {"payload":7.25e1 , "index":1}                            | 7.25e1
            {"index":1,"payload":true}                                | true
            {"index":1,"payload":false}                               | false
            {"index":1,"payload":null}                                | null
            {"index":1,"payload":  {"a" : 1}  }                       | {"a" : 1}
            {"index":1,"payload":	"tab"	}                        | "tab"
            {"index":1,"payload" :  [ 1 , 2 ]  ,"t":"x"}              | [ 1 , 2 ]
            { "payload" : "first" , "index" : 1 }                     | "first"
            {"payload":{"index":5},"index":1}                         | {"index":5}
            {"task":"é","payload":"après é","index":1,"z":[1]}        | "après é"
            """)
    void cutsThePayloadOutOfTheBytesAsTheTextPathDoes(String text, String payload) throws IOException {
        Line line = readOne(text);
        assertThat(line.sharesBuffer()).isTrue();
        ParsedLine parsed = ItemParser.parse(line, 10);
        assertThat(parsed).isEqualTo(ItemParser.parseAsText(line, 10));
        IngestItem item = (IngestItem) parsed;
        assertThat(item.index()).isEqualTo(1);
        assertThat(new String(item.payloadBytes(), UTF_8)).isEqualTo(payload);
        assertThat(item.payload()).isEqualTo(payload);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"index":1,"payload":"unterminated
            {"index":1,"payload":"a\\"}
            {"index":1,"payload":"x"}}
            {"index":1,"payload":"x""y"}
            {"index":1,"payload":01}
            {"index":1,"payload":[1,]}
            {"index":1,"payload":{"a":1}
            {"index":1,"payload":"é" ,, "x":1}
            {"é":1,"index":1,"payload":tru}
            {"index":1,"payload":1}{
            {"index":2,"payload":1,"payload":{}}
            {"index":99999999999999999999,"payload":"x"}
            ["index",1]
            {"index":1,"payload":"raw	tab"}
            {"index":1,"payload":"bad \\x escape","t":1}
            {"index":1,"payload":"bad \\u12G4 escape"}
            {"index":1,"payload":{"a":"raw	tab"}}
            {"index":1,"payload":{"a":"\\q"}}
            """)
    void errorsAreTheTextPathsErrors(String text) throws IOException {
        Line line = readOne(text);
        ParsedLine parsed = ItemParser.parse(line, 10);
        assertThat(parsed).isInstanceOf(ItemError.class);
        assertThat(parsed).isEqualTo(ItemParser.parseAsText(line, 10));
    }

    @Test
    void aLineStartingWithAByteOrderMarkIsReadAsText() throws IOException {
        byte[] bytes = "\uFEFF{\"index\":1,\"payload\":2}".getBytes(UTF_8);
        Line line = new NdjsonReader(new ByteArrayInputStream(bytes), 100).next();
        assertThat(ItemParser.parse(line, 10)).isEqualTo(ItemParser.parseAsText(line, 10));
    }

    @Test
    void aOneMebibyteItemIsCopiedOnce() throws IOException {
        int size = 1 << 20;
        String payload = "{\"n\":1,\"data\":\"" + "x".repeat(size - 17) + "\"}";
        assertThat(payload.length()).isEqualTo(size);
        byte[] stream = ("{\"index\":0,\"payload\":" + payload + "}\n{\"index\":1,\"payload\":\"" + "y".repeat(size)
                + "\"}\n").getBytes(UTF_8);
        NdjsonReader reader = new NdjsonReader(new ByteArrayInputStream(stream), 2 * size);
        AtomicInteger copies = new AtomicInteger();
        ItemParser.payloadCopyHook = copies::incrementAndGet;
        try {
            Line first = reader.next();
            // The reader hands out its own buffer: no copy per line.
            assertThat(first.sharesBuffer()).isTrue();
            byte[] buffer = first.bytes();
            IngestItem item = (IngestItem) ItemParser.parse(first, 2);
            assertThat(copies).hasValue(1);
            assertThat(item.payloadBytes()).hasSize(size).isNotSameAs(buffer);
            assertThat(item.payloadBytes()).as("no copy on access").isSameAs(item.payloadBytes());

            Line second = reader.next();
            assertThat(second.bytes()).as("the line buffer is reused").isSameAs(buffer);
            assertThatThrownBy(first::bytes).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the reader has moved on");
            IngestItem other = (IngestItem) ItemParser.parse(second, 2);
            assertThat(copies).hasValue(2);
            assertThat(other.payloadBytes()).hasSize(size + 2);
            // The first item's bytes are its own: reusing the line buffer did not touch them.
            assertThat(new String(item.payloadBytes(), UTF_8)).isEqualTo(payload);
        } finally {
            ItemParser.payloadCopyHook = null;
        }
    }

    @Test
    void textDecodedBeforeTheNextLineStaysAvailable() throws IOException {
        NdjsonReader reader = new NdjsonReader(new ByteArrayInputStream("a\nb\n".getBytes(UTF_8)), 10);
        Line a = reader.next();
        assertThat(a.text()).isEqualTo("a");
        Line b = reader.next();
        assertThat(List.of(a.text(), b.text())).containsExactly("a", "b");
    }

    private static Line readOne(String text) throws IOException {
        NdjsonReader reader = new NdjsonReader(new ByteArrayInputStream((text + "\n").getBytes(UTF_8)), 1000);
        Line line = reader.next();
        assertThat(line.kind()).isEqualTo(Line.Kind.RECORD);
        return line;
    }
}
