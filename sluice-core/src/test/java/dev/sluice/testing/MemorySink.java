package dev.sluice.testing;

import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.RecordSink;
import dev.sluice.pull.SourceRecord;
import dev.sluice.pull.StreamWrite;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link RecordSink} in memory that keeps the same promise as the JDBC one: a commit applies all or nothing.
 * {@link #failAfter} makes the n-th commit from now throw before applying anything, to stand in for a crash.
 */
public final class MemorySink implements RecordSink {
    private final Map<String, Map<String, SourceRecord>> tables = new HashMap<>();
    private final Map<String, Checkpoint> checkpoints = new HashMap<>();
    private int commits;
    private int failAt = -1;

    @Override
    public synchronized void prepare(String namespace, String stream) {
        tables.computeIfAbsent(namespace + "." + stream, k -> new HashMap<>());
    }

    @Override
    public synchronized Optional<Checkpoint> checkpoint(String job, String stream) {
        return Optional.ofNullable(checkpoints.get(job + "/" + stream));
    }

    @Override
    public synchronized void commit(String job, List<StreamWrite> writes) {
        commits++;
        if (commits == failAt) {
            throw new IllegalStateException("injected crash at commit " + commits);
        }
        for (StreamWrite w : writes) {
            Map<String, SourceRecord> table = tables.get(w.namespace() + "." + w.stream());
            for (SourceRecord r : w.records()) {
                table.merge(r.id(), r, (old, neu) -> neu.version() > old.version() ? neu : old);
            }
            checkpoints.put(job + "/" + w.stream(), w.checkpoint());
        }
    }

    @Override
    public synchronized void resetJob(String job) {
        checkpoints.keySet().removeIf(k -> k.startsWith(job + "/"));
    }

    @Override
    public void close() {
    }

    /** Makes the n-th commit from now fail. */
    public synchronized MemorySink failAfter(int n) {
        failAt = commits + n;
        return this;
    }

    public synchronized Map<String, SourceRecord> table(String namespace, String stream) {
        return Map.copyOf(tables.getOrDefault(namespace + "." + stream, Map.of()));
    }

    public synchronized int commits() {
        return commits;
    }
}
