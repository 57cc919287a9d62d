package dev.sluice.ingest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation on bytes, without decoding.
 *
 * <p>ASCII is skipped eight bytes at a time (one {@code long} read, one mask); only the bytes from the first one at or
 * above {@code 0x80} are checked precisely, sequence by sequence, against the well-formed byte sequences of the
 * Unicode standard (table 3-7): no overlong forms, no UTF-16 surrogates ({@code U+D800..U+DFFF}), nothing above
 * {@code U+10FFFF}, no stray continuation bytes, no sequence cut short by the end of the range.
 *
 * <p>The offset it reports for bad input is the one the JDK's strict decoder reports (the position of the first byte
 * of the sequence it cannot decode), so a switch from a {@link java.nio.charset.CharsetDecoder} changes no message.
 */
final class Utf8 {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {}

    /**
     * The offset (from {@code 0}, not from {@code from}) of the first byte of the first ill-formed sequence in
     * {@code bytes[from, to)}, or {@code -1} if the range is well-formed UTF-8.
     */
    static int firstInvalid(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            if (i + 8 <= to && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
                // Fast path: eight ASCII bytes.
                i += 8;
            } else if (bytes[i] >= 0) {
                i++;
            } else {
                int n = sequenceLength(bytes, i, to);
                if (n < 0) {
                    return i;
                }
                i += n;
            }
        }
        return -1;
    }

    /** The length of the well-formed sequence starting at {@code bytes[i]} (a non-ASCII byte), or -1. */
    private static int sequenceLength(byte[] bytes, int i, int to) {
        int b0 = bytes[i] & 0xff;
        if (b0 < 0xc2) {
            // A continuation byte where a character must start, or an overlong 2-byte lead (C0, C1).
            return -1;
        }
        if (b0 < 0xe0) {
            return i + 1 < to && isContinuation(bytes[i + 1]) ? 2 : -1;
        }
        if (b0 < 0xf0) {
            if (i + 2 >= to) {
                return -1;
            }
            int b1 = bytes[i + 1] & 0xff;
            // E0: A0..BF (no overlong); ED: 80..9F (no surrogates); else 80..BF.
            int lo = b0 == 0xe0 ? 0xa0 : 0x80;
            int hi = b0 == 0xed ? 0x9f : 0xbf;
            return b1 >= lo && b1 <= hi && isContinuation(bytes[i + 2]) ? 3 : -1;
        }
        if (b0 <= 0xf4) {
            if (i + 3 >= to) {
                return -1;
            }
            int b1 = bytes[i + 1] & 0xff;
            // F0: 90..BF (no overlong); F4: 80..8F (not above U+10FFFF); else 80..BF.
            int lo = b0 == 0xf0 ? 0x90 : 0x80;
            int hi = b0 == 0xf4 ? 0x8f : 0xbf;
            return b1 >= lo && b1 <= hi && isContinuation(bytes[i + 2]) && isContinuation(bytes[i + 3]) ? 4 : -1;
        }
        // F5..FF never appear in UTF-8.
        return -1;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xc0) == 0x80;
    }
}
