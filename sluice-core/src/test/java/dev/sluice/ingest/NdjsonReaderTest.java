package dev.sluice.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ingest.Line.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class NdjsonReaderTest {
    /** Read-buffer sizes that put every line ending and every multi-byte character across a read boundary. */
    private static final int[] BUFFERS = {1, 2, 3, 5, 7, NdjsonReader.BUFFER_BYTES};

    static Stream<Arguments> framing() {
        List<Object[]> cases = List.of(
                new Object[] {"empty stream", "", List.of()},
                new Object[] {"only newlines", "\n\n\r\n", List.of()},
                new Object[] {"one line", "a\n", List.of("1:a")},
                new Object[] {"no final newline", "a\nb", List.of("1:a", "2:b")},
                new Object[] {"CRLF", "a\r\nb\r\n", List.of("1:a", "2:b")},
                new Object[] {"CRLF, no final newline", "a\r\nb", List.of("1:a", "2:b")},
                new Object[] {"CR at the very end", "a\r\nb\r", List.of("1:a", "2:b")},
                new Object[] {"only one CR is stripped", "a\r\r\n", List.of("1:a\r")},
                new Object[] {"a CR inside a line stays", "a\rb\n", List.of("1:a\rb")},
                new Object[] {"blank lines keep their numbers", "\na\n\n \t\n\r\nb\n \n", List.of("2:a", "6:b")},
                new Object[] {"spaces around a record stay", " a \n", List.of("1: a ")},
                new Object[] {"multi-byte characters", "é€𝄞\n{\"p\":\"ü\"}\n", List.of("1:é€𝄞", "2:{\"p\":\"ü\"}")});
        return cases.stream().flatMap(c -> IntStream.of(BUFFERS)
                .mapToObj(buffer -> Arguments.of(c[0], c[1], c[2], buffer)));
    }

    @ParameterizedTest(name = "{0}, buffer {3}")
    @MethodSource("framing")
    void framesLines(String name, String input, List<String> expected, int buffer) throws IOException {
        NdjsonReader reader = new NdjsonReader(stream(input.getBytes(UTF_8)), 100, buffer, 16);
        List<String> lines = new ArrayList<>();
        for (Line line = reader.next(); line != null; line = reader.next()) {
            assertThat(line.kind()).isEqualTo(Kind.RECORD);
            assertThat(line.byteLength()).isEqualTo(line.text().getBytes(UTF_8).length);
            lines.add(line.number() + ":" + line.text());
        }
        assertThat(lines).isEqualTo(expected);
        assertThat(reader.next()).as("stays at the end").isNull();
    }

    @ParameterizedTest(name = "{0} content bytes + {1}, buffer {2}")
    @CsvSource({
        "10, '\n', 3", "10, '\r\n', 3", "10, '', 3", "11, '\n', 3", "11, '\r\n', 3", "11, '', 3",
        "10, '\n', 65536", "10, '\r\n', 65536", "11, '\r\n', 65536", "11, '', 65536", "1000, '\n', 64"})
    void aLineExactlyAtTheLimitIsARecordAndOneByteOverIsOversized(int size, String ending, int buffer)
            throws IOException {
        String line = "x".repeat(size);
        String rest = ending.isEmpty() ? "" : "y\n";
        NdjsonReader reader = new NdjsonReader(stream((line + ending + rest).getBytes(UTF_8)), 10, buffer, 4);
        Line first = reader.next();
        assertThat(first.byteLength()).isEqualTo(size);
        if (size <= 10) {
            assertThat(first.kind()).isEqualTo(Kind.RECORD);
            assertThat(first.text()).isEqualTo(line);
        } else {
            assertThat(first.kind()).isEqualTo(Kind.OVERSIZED);
            assertThat(first.text()).isNull();
            assertThat(first.problem()).isEqualTo("line of " + size + " bytes is over the limit of 10 bytes");
        }
        if (!ending.isEmpty()) {
            assertThat(reader.next()).isEqualTo(Line.record(2, 1, "y"));
        }
        assertThat(reader.next()).isNull();
        assertThat(reader.lineBufferHighWater()).isLessThanOrEqualTo(11);
    }

    @Test
    void aFiftyMegabyteLineIsSkippedWithoutBeingHeld() throws IOException {
        int limit = 1 << 20;
        long payloadBytes = 50L << 20;
        String head = "{\"index\":7,\"task\":\"t\",\"payload\":\"";
        String tail = "\"}\n{\"index\":8,\"payload\":1}\n";
        InputStream in = new GeneratedLine(head.getBytes(UTF_8), payloadBytes, (byte) 'x', tail.getBytes(UTF_8));
        NdjsonReader reader = new NdjsonReader(in, limit);

        Line oversized = reader.next();
        assertThat(oversized.kind()).isEqualTo(Kind.OVERSIZED);
        assertThat(oversized.number()).isEqualTo(1);
        assertThat(oversized.byteLength()).isEqualTo(head.length() + payloadBytes + 2);
        assertThat(oversized.sniffedIndex()).isEqualTo(7L);
        String second = "{\"index\":8,\"payload\":1}";
        assertThat(reader.next()).isEqualTo(Line.record(2, second.length(), second));
        assertThat(reader.next()).isNull();
        assertThat(reader.lineBufferHighWater()).isLessThanOrEqualTo(limit + 1);
    }

    @Test
    void bufferedBytesIsTheReadAheadNotYetTakenIntoALine() throws IOException {
        NdjsonReader reader = new NdjsonReader(new ByteArrayInputStream("aa\nbbb\n\ncc".getBytes(UTF_8)), 100, 8, 0);
        assertThat(reader.bufferedBytes()).isZero();
        reader.next(); // reads 8 bytes "aa\nbbb\n\n", takes "aa\n"
        assertThat(reader.bufferedBytes()).isEqualTo(5);
        reader.next(); // takes "bbb\n"
        assertThat(reader.bufferedBytes()).isEqualTo(1);
        reader.next(); // skips the blank line, reads "cc" to the end
        assertThat(reader.bufferedBytes()).isZero();
        assertThat(reader.next()).isNull();
        assertThat(reader.bufferedBytes()).isZero();
    }

    @Test
    void anOversizedLineHoldsOnlyThePrefixWhenTheLimitIsSmall() throws IOException {
        // With a limit below the prefix, the buffer may grow to the prefix, never to the line.
        InputStream in = new GeneratedLine("{\"index\":5,\"payload\":\"".getBytes(UTF_8), 10_000_000, (byte) 'x',
                "\"}\n".getBytes(UTF_8));
        NdjsonReader reader = new NdjsonReader(in, 100, 1000, 4096);
        Line line = reader.next();
        assertThat(line.kind()).isEqualTo(Kind.OVERSIZED);
        assertThat(line.sniffedIndex()).isEqualTo(5L);
        assertThat(reader.lineBufferHighWater()).isLessThanOrEqualTo(4096);
    }

    static Stream<Arguments> sniffing() {
        String pad = "x".repeat(200);
        return Stream.of(
                Arguments.of("index first", "{\"index\":3,\"payload\":\"" + pad + "\"}", 3L),
                Arguments.of("whitespace", "{ \"index\" :\t3 , \"payload\":\"" + pad + "\"}", 3L),
                Arguments.of("string value \"index\" before the key",
                        "{\"payload\":\"index\",\"index\":3,\"pad\":\"" + pad + "\"}", 3L),
                Arguments.of("nested key before the key",
                        "{\"payload\":{\"index\":9},\"index\":3,\"pad\":\"" + pad + "\"}", 3L),
                Arguments.of("nested in arrays",
                        "{\"p\":[{\"index\":9},[\"index\",{\"index\":8}]],\"index\":4,\"pad\":\"" + pad + "\"}",
                        4L),
                Arguments.of("escaped quotes", "{\"a\":\"\\\"index\\\":5\",\"index\":6,\"pad\":\"" + pad + "\"}", 6L),
                Arguments.of("only a nested key", "{\"payload\":{\"index\":9,\"pad\":\"" + pad + "\"}}", null),
                Arguments.of("index after the prefix", "{\"payload\":\"" + pad + "\",\"index\":3}", null),
                Arguments.of("number cut by the prefix", "{\"pad\":\"" + "y".repeat(44) + "\",\"index\":12345,\"p\":\""
                        + pad + "\"}", null),
                Arguments.of("string index", "{\"index\":\"3\",\"payload\":\"" + pad + "\"}", null),
                Arguments.of("fractional index", "{\"index\":3.5,\"payload\":\"" + pad + "\"}", null),
                Arguments.of("negative index is found (the parser rejects it)",
                        "{\"index\":-2,\"payload\":\"" + pad + "\"}", -2L),
                Arguments.of("index beyond long", "{\"index\":99999999999999999999,\"p\":\"" + pad + "\"}", null),
                Arguments.of("not an object", "[{\"index\":3},\"" + pad + "\"]", null),
                Arguments.of("not JSON", "index: 3 " + pad, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sniffing")
    void sniffsOnlyTheTopLevelIndexKey(String name, String line, Long expected) throws IOException {
        // A 64-byte prefix of a line over a 100-byte limit.
        NdjsonReader reader = new NdjsonReader(stream((line + "\n").getBytes(UTF_8)), 100, 7, 64);
        Line read = reader.next();
        assertThat(read.kind()).isEqualTo(Kind.OVERSIZED);
        assertThat(read.sniffedIndex()).isEqualTo(expected);
    }

    @Test
    void aWholeLineInsideThePrefixIsSniffedToItsEnd() {
        byte[] line = "{\"payload\":\"index\",\"index\":42}".getBytes(UTF_8);
        assertThat(IndexSniffer.sniff(line, line.length, true)).isEqualTo(42L);
        byte[] bare = "{\"index\":42".getBytes(UTF_8);
        assertThat(IndexSniffer.sniff(bare, bare.length, false)).as("42 may go on").isNull();
        byte[] cut = "{\"pad\":\"yy\",\"index\":12345,\"p\":".getBytes(UTF_8);
        assertThat(IndexSniffer.sniff(cut, 22, false)).as("prefix ends in 12").isNull();
        assertThat(IndexSniffer.sniff(cut, 26, false)).as("prefix ends after the comma").isEqualTo(12345L);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "overlong slash, c0af",
        "overlong NUL, c080",
        "overlong 3-byte, e080af",
        "overlong 4-byte, f08282ac",
        "lone continuation byte, 80",
        "continuation bytes only, bfbf",
        "UTF-8-encoded high surrogate, eda080",
        "UTF-8-encoded low surrogate, edb080",
        "above U+10FFFF, f4908080",
        "invalid lead byte, f8",
        "byte FF, ff",
        "truncated 2-byte at end of line, c3",
        "truncated 3-byte at end of line, e282",
        "truncated 4-byte at end of line, f09d84"})
    void invalidUtf8NamesTheLineAndTheByteAndReadingGoesOn(String name, String hex) throws IOException {
        byte[] bad = HexFormat.of().parseHex(hex);
        for (int buffer : BUFFERS) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes("{\"ok\":1}\n{\"p\":\"".getBytes(UTF_8));
            out.writeBytes(bad);
            out.writeBytes("\n{\"ok\":3}\n".getBytes(UTF_8));
            NdjsonReader reader = new NdjsonReader(stream(out.toByteArray()), 100, buffer, 16);
            assertThat(reader.next().kind()).isEqualTo(Kind.RECORD);
            Line line = reader.next();
            assertThat(line.kind()).as("buffer %d", buffer).isEqualTo(Kind.INVALID_UTF8);
            assertThat(line.number()).isEqualTo(2);
            assertThat(line.badByteOffset()).isEqualTo(6);
            assertThat(line.problem()).isEqualTo("invalid UTF-8 at byte 6 of the line");
            assertThat(reader.next()).isEqualTo(Line.record(3, 8, "{\"ok\":3}"));
        }
    }

    @Test
    void aTruncatedCharacterAtTheEndOfTheStreamIsInvalid() throws IOException {
        NdjsonReader reader = new NdjsonReader(stream(new byte[] {'"', (byte) 0xe2, (byte) 0x82}), 100, 1, 16);
        Line line = reader.next();
        assertThat(line.kind()).isEqualTo(Kind.INVALID_UTF8);
        assertThat(line.badByteOffset()).isEqualTo(1);
        assertThat(reader.next()).isNull();
    }

    @Test
    void validFourByteCharactersSplitAtEveryBoundaryDecode() throws IOException {
        String text = "{\"p\":\"a𝄞b€c\"}";
        byte[] bytes = (text + "\n" + text).getBytes(UTF_8);
        for (int buffer = 1; buffer <= bytes.length; buffer++) {
            NdjsonReader reader = new NdjsonReader(stream(bytes), 100, buffer, 16);
            assertThat(reader.next().text()).isEqualTo(text);
            assertThat(reader.next().text()).isEqualTo(text);
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void lineNumbersCountBlankLinesBeforeAnOversizedLine() throws IOException {
        NdjsonReader reader = new NdjsonReader(stream("\n\n{\"index\":1,\"p\":\"xxxxxxxxxx\"}\n".getBytes(UTF_8)),
                10, 4, 64);
        Line line = reader.next();
        assertThat(line.number()).isEqualTo(3);
        assertThat(line.sniffedIndex()).isEqualTo(1L);
        assertThat(reader.lineNumber()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MAX_VALUE})
    void rejectsAnImpossibleLimit(int limit) {
        assertThatThrownBy(() -> new NdjsonReader(stream(new byte[0]), limit))
                .hasMessageContaining("maxLineBytes must be in [1, ");
    }

    /** Delivers bytes a few at a time, as a network stream does, so reads do not line up with anything. */
    private static InputStream stream(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 3 + (pos % 5)));
            }
        };
    }

    /** {@code head}, then {@code count} copies of {@code fill}, then {@code tail}: a huge line without the heap. */
    private static final class GeneratedLine extends InputStream {
        private final byte[] head;
        private final byte[] tail;
        private final byte fill;
        private final long total;
        private long position;

        GeneratedLine(byte[] head, long count, byte fill, byte[] tail) {
            this.head = head;
            this.tail = tail;
            this.fill = fill;
            this.total = head.length + count + tail.length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= total) {
                return -1;
            }
            int n = (int) Math.min(len, total - position);
            long tailStart = total - tail.length;
            for (int i = 0; i < n; i++, position++) {
                if (position < head.length) {
                    b[off + i] = head[(int) position];
                } else if (position >= tailStart) {
                    b[off + i] = tail[(int) (position - tailStart)];
                } else {
                    b[off + i] = fill;
                }
            }
            return n;
        }
    }
}
