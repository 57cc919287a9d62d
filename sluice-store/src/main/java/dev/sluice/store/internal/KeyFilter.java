package dev.sluice.store.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The record keys a replay sink has written, as a Bloom filter: {@link #mightContain} is never false for a key
 * {@link #add}ed, and rarely true for one that was not. So a key it says is absent is certainly one the sink never
 * wrote; a false "maybe" only sends that key the slower, checking way. Fixed memory ({@value #BITS} bits, 8 MiB),
 * whatever the run's length: about 0.1 % false "maybe"s at 2 million keys, 2 % at 6 million, after which more and
 * more keys take the checking way, still correctly.
 *
 * <p>Thread-safe and lock-free: the sink's lanes add and ask at once.
 */
public final class KeyFilter {
    static final int LOG2_BITS = 26;
    static final int BITS = 1 << LOG2_BITS;
    static final int HASHES = 5;

    private final AtomicLongArray words = new AtomicLongArray(BITS / 64);

    /** Remembers the key {@code (did, collection, rkey)}. */
    public void add(String did, String collection, String rkey) {
        long h = hash(did, collection, rkey);
        int h1 = (int) h;
        int h2 = (int) (h >>> 32) | 1;
        for (int i = 0; i < HASHES; i++) {
            int bit = (h1 + i * h2) & (BITS - 1);
            long mask = 1L << (bit & 63);
            int w = bit >>> 6;
            long old = words.get(w);
            while ((old & mask) == 0 && !words.compareAndSet(w, old, old | mask)) {
                old = words.get(w);
            }
        }
    }

    /** False when the key was certainly never {@link #add}ed; true when it may have been. */
    public boolean mightContain(String did, String collection, String rkey) {
        long h = hash(did, collection, rkey);
        int h1 = (int) h;
        int h2 = (int) (h >>> 32) | 1;
        for (int i = 0; i < HASHES; i++) {
            int bit = (h1 + i * h2) & (BITS - 1);
            if ((words.get(bit >>> 6) & (1L << (bit & 63))) == 0) {
                return false;
            }
        }
        return true;
    }

    /** 64-bit FNV-1a over the three parts' chars, each part ended by a char no key holds, then mixed (murmur3). */
    static long hash(String did, String collection, String rkey) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, did);
        h = fnv(h, collection);
        h = fnv(h, rkey);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return (h ^ 0xFFFF) * 0x100000001b3L;
    }
}
