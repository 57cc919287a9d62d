package dev.sluice.pull.run;

import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.RecordSink;
import dev.sluice.pull.Remainder;
import dev.sluice.pull.SourceRecord;
import dev.sluice.pull.StreamWrite;
import dev.sluice.pull.plan.Segment;
import dev.sluice.pull.plan.SegmentPlanner.SegmentIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The ledger of one process that holds its whole job: every segment starts here, splits run here, and a commit
 * writes each stream's checkpoint (all its live segments' remainders) with the records through the
 * {@link RecordSink}. There are no leases, so nothing is ever lost.
 */
final class LocalLedger implements SegmentLedger {
    private final RecordSink sink;
    private final Map<String, String> namespaces = new LinkedHashMap<>();

    LocalLedger(RecordSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public Begun begin(String job, String namespace, String stream, Optional<Checkpoint> saved, Checkpoint proposed,
            SegmentIds ids) {
        namespaces.put(stream, namespace);
        return new Begun(proposed, segments(stream, proposed, ids));
    }

    /** The segments of a checkpoint: one probe over a fresh range, else one per remainder. */
    static List<Segment> segments(String stream, Checkpoint cp, SegmentIds ids) {
        List<Remainder> rem = cp.remaining();
        boolean fresh = rem.size() == 1 && rem.get(0).cursor() == null && rem.get(0).range().equals(cp.range());
        List<Segment> out = new ArrayList<>(rem.size());
        for (Remainder r : rem) {
            out.add(fresh ? Segment.probe(stream, ids.next(), cp.range()) : Segment.resumed(stream, ids.next(), r));
        }
        return out;
    }

    @Override
    public List<Segment> claim(int max, boolean abandonedOnly, Set<String> except, SegmentIds ids) {
        return List.of();
    }

    @Override
    public boolean split(Segment parent, Segment child) {
        return true;
    }

    @Override
    public List<Segment> replaceProbe(Segment probe, List<Segment> replacements) {
        return replacements;
    }

    @Override
    public Committed commit(String job, List<PageWrite> pages, Function<String, Checkpoint> localCheckpoint) {
        Map<String, List<SourceRecord>> byStream = new LinkedHashMap<>();
        for (PageWrite p : pages) {
            byStream.computeIfAbsent(p.segment().stream(), k -> new ArrayList<>()).addAll(p.records());
        }
        List<StreamWrite> writes = new ArrayList<>(byStream.size());
        Map<String, Checkpoint> checkpoints = new LinkedHashMap<>();
        for (Map.Entry<String, List<SourceRecord>> e : byStream.entrySet()) {
            Checkpoint cp = localCheckpoint.apply(e.getKey());
            writes.add(new StreamWrite(namespaces.get(e.getKey()), e.getKey(), e.getValue(), cp));
            checkpoints.put(e.getKey(), cp);
        }
        sink.commit(job, writes);
        return new Committed(Set.of(), checkpoints);
    }

    @Override
    public Set<Segment> lost() {
        return Set.of();
    }

    @Override
    public Optional<Map<String, Checkpoint>> finished(Collection<String> streams) {
        return Optional.of(Map.of());
    }

    @Override
    public Duration pollInterval() {
        return Duration.ZERO;
    }

    @Override
    public void release(String stream) {
    }

    @Override
    public void releaseAll() {
    }

    @Override
    public void close() {
    }
}
