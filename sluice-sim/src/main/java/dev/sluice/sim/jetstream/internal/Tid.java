package dev.sluice.sim.jetstream.internal;

/**
 * An atproto TID: 13 characters of base32-sortable ({@code 234567abcdefghijklmnopqrstuvwxyz}) over a 64-bit
 * integer whose top bit is 0, then 53 bits of unix microseconds, then 10 bits of clock id. Because the alphabet is
 * in ASCII order and the length is fixed, TIDs compare as strings the way their times compare, which is what lets
 * a sink keep "the newest rev wins" as a string comparison.
 */
public final class Tid {
    static final String ALPHABET = "234567abcdefghijklmnopqrstuvwxyz";
    private static final long MAX_MICROS = (1L << 53) - 1;

    private Tid() {
    }

    public static String of(long timeUs, int clockId) {
        if (timeUs < 0 || timeUs > MAX_MICROS) {
            throw new IllegalArgumentException("a TID holds 0.." + MAX_MICROS + " µs, was " + timeUs);
        }
        long v = (timeUs << 10) | (clockId & 0x3FF);
        char[] out = new char[13];
        for (int k = 12; k >= 0; k--) {
            out[k] = ALPHABET.charAt((int) (v & 31));
            v >>>= 5;
        }
        return new String(out);
    }

    /** The microseconds a TID holds. */
    public static long timeUs(String tid) {
        return decode(tid) >>> 10;
    }

    public static int clockId(String tid) {
        return (int) (decode(tid) & 0x3FF);
    }

    private static long decode(String tid) {
        if (tid.length() != 13) {
            throw new IllegalArgumentException("a TID has 13 characters, was '" + tid + "'");
        }
        long v = 0;
        for (int k = 0; k < 13; k++) {
            int d = ALPHABET.indexOf(tid.charAt(k));
            if (d < 0) {
                throw new IllegalArgumentException("'" + tid + "' is not base32-sortable");
            }
            v = (v << 5) | d;
        }
        return v;
    }
}
