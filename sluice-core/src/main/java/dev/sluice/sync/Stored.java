package dev.sluice.sync;

/**
 * What a sink holds for one object: the version of its stored state and whether that state is a deletion (a
 * tombstone row, or a removed row remembered as deleted). An object the sink knows nothing of has no
 * {@code Stored} at all (null).
 */
public record Stored(long version, boolean deleted) {
    /** What the sink holds after {@code change} is applied. */
    public static Stored of(Change change) {
        return new Stored(change.version(), change.isDeletion());
    }
}
