package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Utf8} against the JDK's strict decoder, on seeded random bytes. */
class Utf8Test {
    /** Code points of every UTF-8 length, and those next to every boundary that matters. */
    private static final int[] EDGES = {0x00, 0x7f, 0x80, 0x7ff, 0x800, 0xfff, 0x1000, 0xd7ff, 0xe000, 0xfffd,
            0xffff, 0x10000, 0x3ffff, 0x40000, 0xfffff, 0x100000, 0x10ffff};

    /** What the old reader did: the offset of the first bad byte as the JDK decoder reports it, or -1. */
    static int jdk(byte[] bytes, int from, int to) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        CharBuffer out = CharBuffer.allocate(to - from);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        return r.isError() ? in.position() : -1;
    }

    @Test
    void validTextOfEveryLengthIsValid() {
        SplittableRandom random = new SplittableRandom(1);
        for (int n = 0; n < 2000; n++) {
            byte[] bytes = validText(random, random.nextInt(0, 80));
            assertThat(Utf8.firstInvalid(bytes, 0, bytes.length)).as("%s", hex(bytes)).isEqualTo(-1)
                    .isEqualTo(jdk(bytes, 0, bytes.length));
        }
    }

    @Test
    void randomlyDamagedTextGivesTheJdksOffset() {
        SplittableRandom random = new SplittableRandom(2);
        int invalid = 0;
        for (int n = 0; n < 50_000; n++) {
            byte[] bytes = validText(random, random.nextInt(0, 40));
            damage(random, bytes);
            int from = bytes.length == 0 ? 0 : random.nextInt(0, Math.min(3, bytes.length) + 1);
            int to = bytes.length - (bytes.length > from ? random.nextInt(0, 2) : 0);
            int expected = jdk(bytes, from, to);
            invalid += expected >= 0 ? 1 : 0;
            assertThat(Utf8.firstInvalid(bytes, from, to)).as("%s [%d, %d)", hex(bytes), from, to)
                    .isEqualTo(expected);
        }
        assertThat(invalid).as("enough invalid cases").isGreaterThan(20_000);
    }

    @Test
    void randomBytesGiveTheJdksOffset() {
        SplittableRandom random = new SplittableRandom(3);
        for (int n = 0; n < 50_000; n++) {
            byte[] bytes = new byte[random.nextInt(0, 24)];
            for (int i = 0; i < bytes.length; i++) {
                // Mostly the interesting high bytes, some ASCII so the 8-byte path runs too.
                bytes[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(0x20, 0x7f) : random.nextInt(0x80, 0x100));
            }
            assertThat(Utf8.firstInvalid(bytes, 0, bytes.length)).as("%s", hex(bytes))
                    .isEqualTo(jdk(bytes, 0, bytes.length));
        }
    }

    @Test
    void everyTwoAndThreeByteSequenceAfterEveryAsciiPrefixLength() {
        // Puts each sequence across each 8-byte word edge of the fast path.
        for (int prefix = 0; prefix < 17; prefix++) {
            for (int b0 = 0x80; b0 < 0x100; b0++) {
                for (int b1 = 0; b1 < 0x100; b1 += 3) {
                    for (int b2 : new int[] {0x41, 0x80, 0xbf, 0xc0}) {
                        byte[] bytes = new byte[prefix + 3 + 9];
                        java.util.Arrays.fill(bytes, (byte) 'a');
                        bytes[prefix] = (byte) b0;
                        bytes[prefix + 1] = (byte) b1;
                        bytes[prefix + 2] = (byte) b2;
                        for (int to : new int[] {prefix + 1, prefix + 2, prefix + 3, bytes.length}) {
                            assertThat(Utf8.firstInvalid(bytes, 0, to)).as("%s to %d", hex(bytes), to)
                                    .isEqualTo(jdk(bytes, 0, to));
                        }
                    }
                }
            }
        }
    }

    @Test
    void theReaderReportsTheJdksOffsetWithCharactersAcrossReadBuffers() throws IOException {
        SplittableRandom random = new SplittableRandom(4);
        for (int n = 0; n < 3000; n++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            int lines = random.nextInt(1, 6);
            byte[][] contents = new byte[lines][];
            for (int l = 0; l < lines; l++) {
                byte[] bytes = validText(random, random.nextInt(1, 30));
                if (random.nextBoolean()) {
                    damage(random, bytes);
                }
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == ' ' || bytes[i] == '\t') {
                        bytes[i] = 'x';
                    }
                }
                contents[l] = bytes;
                stream.writeBytes(bytes);
                stream.write('\n');
            }
            int buffer = random.nextInt(1, 12);
            NdjsonReader reader = new NdjsonReader(new ByteArrayInputStream(stream.toByteArray()), 1000, buffer, 16);
            for (int l = 0; l < lines; l++) {
                byte[] bytes = contents[l];
                Line line = reader.next();
                assertThat(line.number()).isEqualTo(l + 1);
                int expected = jdk(bytes, 0, bytes.length);
                if (expected < 0) {
                    assertThat(line.kind()).as("%s, buffer %d", hex(bytes), buffer).isEqualTo(Line.Kind.RECORD);
                    assertThat(line.text()).isEqualTo(new String(bytes, StandardCharsets.UTF_8));
                } else {
                    assertThat(line.kind()).as("%s, buffer %d", hex(bytes), buffer)
                            .isEqualTo(Line.Kind.INVALID_UTF8);
                    assertThat(line.badByteOffset()).isEqualTo(expected);
                }
            }
            assertThat(reader.next()).isNull();
        }
    }

    private static byte[] validText(SplittableRandom random, int codePoints) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int cp = switch (random.nextInt(6)) {
                case 0, 1 -> random.nextInt(0x20, 0x80);
                case 2 -> random.nextInt(0x80, 0x800);
                case 3 -> random.nextBoolean() ? random.nextInt(0x800, 0xd800) : random.nextInt(0xe000, 0x10000);
                case 4 -> random.nextInt(0x10000, 0x110000);
                default -> EDGES[random.nextInt(EDGES.length)];
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Changes a byte or two: to a random byte, a high byte, or a truncation. */
    private static void damage(SplittableRandom random, byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        for (int k = random.nextInt(1, 3); k > 0; k--) {
            int i = random.nextInt(bytes.length);
            bytes[i] = switch (random.nextInt(3)) {
                case 0 -> (byte) random.nextInt(0x100);
                case 1 -> (byte) random.nextInt(0x80, 0x100);
                default -> (byte) (0x80 | random.nextInt(0x40));
            };
        }
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
