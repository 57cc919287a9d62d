package dev.sluice.sim.jetstream.internal;

import dev.sluice.replay.Event;

/**
 * The cheap part of event {@code index}: enough to filter it (kind, DID, collection) and to name the record it
 * touches, before any JSON is made.
 *
 * @param didIndex   which of the simulator's DIDs; for an update or delete, the target's
 * @param operation  null unless a commit
 * @param collection index into the configured collections, -1 unless a commit; for an update or delete, the target's
 * @param target     the event that created the record this commit touches (the event itself for a create), or -1
 */
public record Skeleton(long index, long timeUs, Event.Kind kind, int didIndex, Event.Operation operation,
                       int collection, long target) {
}
