package dev.sluice.sim.jetstream.internal;

/**
 * Random draws that are pure functions of {@code (seed, i, purpose)}: event {@code i}'s kind, DID, operation and
 * text are each one draw, computed on demand, so any event can be made without making the ones before it.
 *
 * <p>Each draw is the SplitMix64 finaliser over the seed, the index and the purpose; purposes are separate streams,
 * so adding a new kind of draw shifts no other.
 */
public final class Dice {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long seed;

    public Dice(long seed) {
        this.seed = mix(seed ^ GOLDEN);
    }

    /** 64 random bits for event (or DID) {@code i} and {@code purpose}. */
    public long bits(long i, int purpose) {
        return mix(mix(seed + i * GOLDEN) ^ (purpose * 0xD1B54A32D192ED03L));
    }

    /** Uniform in {@code [0, 1)}. */
    public double unit(long i, int purpose) {
        return (bits(i, purpose) >>> 11) * 0x1.0p-53;
    }

    /** Uniform in {@code [0, n)}. */
    public int below(long i, int purpose, int n) {
        return (int) ((bits(i, purpose) >>> 1) % n);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
