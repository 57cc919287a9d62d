package dev.sluice.replay;

import java.util.List;
import java.util.OptionalLong;

/**
 * Applies firehose events to tables and keeps the replay checkpoint, both in one transaction.
 *
 * <p>Per {@code (did, collection, rkey)} the event with the newest {@code rev} wins, whatever order the events
 * arrive in, within one call or across calls (a delete leaves a tombstone carrying its rev, so an older create
 * replayed after a resume cannot bring the record back). Identity and account events win by {@code seq}.
 * Applying an event twice therefore has the effect of applying it once, which is what makes a resume that
 * re-reads a few seconds safe. Calls may run concurrently from several threads.
 */
public interface ReplaySink {
    /**
     * Applies {@code events} and raises the checkpoint of {@code job} to at least {@code checkpointUs}, atomically.
     * The caller guarantees every event with {@code time_us < checkpointUs} is either in {@code events} or already
     * committed by an earlier call.
     *
     * @param lane which of the caller's concurrent appliers this is; each lane keeps its own checkpoint row so that
     *        concurrent commits do not queue on one row, and the job's checkpoint is the highest of them
     * @return how many events changed a row and how many were older than what is stored
     */
    Applied apply(String job, int lane, List<Event> events, long checkpointUs);

    /** The job's checkpoint: every event with {@code time_us} below it is applied. Empty if the job never ran. */
    OptionalLong checkpoint(String job);

    /** Forgets the job's checkpoint (for {@code --restart}); the tables keep their rows. */
    void clearCheckpoint(String job);

    /** @param applied events that changed stored state @param skipped events older than what was stored */
    record Applied(int applied, int skipped) {
        public static final Applied NONE = new Applied(0, 0);

        public Applied plus(Applied o) {
            return new Applied(applied + o.applied, skipped + o.skipped);
        }
    }
}
