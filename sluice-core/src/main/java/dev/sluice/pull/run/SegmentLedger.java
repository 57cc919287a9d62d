package dev.sluice.pull.run;

import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.RecordSink;
import dev.sluice.pull.SourceRecord;
import dev.sluice.pull.plan.Segment;
import dev.sluice.pull.plan.SegmentPlanner.SegmentIds;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Where the segments of a run live and which of them this process may read: the seam between the {@link Backfill}
 * coordinator (who fetches, when) and the store of committed state. The planner still decides where to cut.
 *
 * <p>Two implementations: {@link #local(RecordSink)}, where one process holds every segment of its job and the
 * stream's checkpoint is its whole state (SQLite, tests); and a leased ledger (PostgreSQL, in the store), where the
 * segments are rows that processes claim, renew and lose, and every commit is fenced by the lease's epoch.
 *
 * <p>Duties of the caller: call {@link #begin} once per stream before anything else; call every method from one
 * thread (the coordinator), except {@link #lost()}, which may be filled by the ledger's own heartbeat; never commit
 * pages of a segment that {@link #lost()} or a {@link Committed#lost()} named — drop the segment, its work is
 * someone else's now. Duties of an implementation: {@link #commit} applies the records and the state of their
 * segments in one transaction, and writes nothing for a segment whose lease it no longer holds.
 */
public interface SegmentLedger extends AutoCloseable {

    /** One answered page of a segment: its new records; the segment's state after them is the segment's own. */
    record PageWrite(Segment segment, List<SourceRecord> records) {
        public PageWrite {
            records = List.copyOf(records);
        }
    }

    /** A stream's run as all processes agreed on it, and the segments this process starts with. */
    record Begun(Checkpoint run, List<Segment> segments) {
        public Begun {
            segments = List.copyOf(segments);
        }
    }

    /**
     * What a commit did: the segments whose lease was lost (nothing of theirs was written) and the checkpoint of
     * each stream it touched, as committed.
     */
    record Committed(Set<Segment> lost, Map<String, Checkpoint> checkpoints) {
        public Committed {
            lost = Set.copyOf(lost);
            checkpoints = Map.copyOf(checkpoints);
        }
    }

    /**
     * Agrees on the run of {@code stream}. {@code proposed} was computed from {@code saved} (what this process read
     * of the stream's checkpoint); when another process has since started a run, or finished one, that run is
     * returned instead.
     */
    Begun begin(String job, String namespace, String stream, Optional<Checkpoint> saved, Checkpoint proposed,
            SegmentIds ids);

    /**
     * Up to {@code max} more segments for this process, of streams not in {@code except}; empty when none is open.
     * With {@code abandonedOnly}, only segments whose owner stopped renewing its lease (a busy process takes those
     * over, and leaves fresh ones to idle processes).
     */
    List<Segment> claim(int max, boolean abandonedOnly, Set<String> except, SegmentIds ids);

    /**
     * Records that the planner split {@code child} off {@code parent} (the parent already shrunk). Returns true when
     * this process should run the child now; false when it was left for any process to claim, or the parent's lease
     * was lost (then both are in {@link #lost()}).
     */
    boolean split(Segment parent, Segment child);

    /** Records that the planner replaced {@code probe} by {@code replacements}; returns those to run here now. */
    List<Segment> replaceProbe(Segment probe, List<Segment> replacements);

    /**
     * Commits the pages in one transaction with the state of their segments. {@code localCheckpoint} gives a
     * stream's checkpoint as this process sees it (used when this process holds the whole stream).
     */
    Committed commit(String job, List<PageWrite> pages, Function<String, Checkpoint> localCheckpoint);

    /** Segments whose lease was found lost outside a commit (by the heartbeat, or a split), since the last call. */
    Set<Segment> lost();

    /**
     * When this process has nothing in flight and nothing to claim: the committed checkpoint of each of
     * {@code streams} if every one is finished by someone, or empty while others still hold work of them.
     */
    Optional<Map<String, Checkpoint>> finished(Collection<String> streams);

    /** How long to wait before asking {@link #claim} again when nothing was open. */
    Duration pollInterval();

    /** Gives up this process's claims on {@code stream} (it failed here) so that other processes may take them. */
    void release(String stream);

    /** Gives up every claim this process holds (a graceful stop), so others take them over at once. */
    void releaseAll();

    @Override
    void close();

    /** One process holds every segment of its job: the checkpoint is the state; nothing is leased. */
    static SegmentLedger local(RecordSink sink) {
        return new LocalLedger(sink);
    }
}
