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
 * {@link #failAfter} makes the n-th commit from now throw before applying anything, to stand in for a crash;
 * {@link #outage} makes the next commits throw {@link Unavailable}, to stand in for a database that is restarting.
 */
public final class MemorySink implements RecordSink {
    private final Map<String, Map<String, SourceRecord>> tables = new HashMap<>();
    private final Map<String, Checkpoint> checkpoints = new HashMap<>();
    private int commits;
    private int failAt = -1;
    private int outageFrom = -1;
    private int outageTo = -1;

    /** What a commit throws during an {@link #outage}: a transient failure, as a store classifies a lost connection. */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

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
        if (commits >= outageFrom && commits < outageTo) {
            throw new Unavailable("injected outage at commit " + commits);
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

    /**
     * After {@code afterCommits} more commits, makes the next {@code failingCommits} attempts fail with
     * {@link Unavailable}, applying nothing.
     */
    public synchronized MemorySink outage(int afterCommits, int failingCommits) {
        outageFrom = commits + afterCommits + 1;
        outageTo = (int) Math.min(Integer.MAX_VALUE, (long) outageFrom + failingCommits);
        return this;
    }

    public synchronized Map<String, SourceRecord> table(String namespace, String stream) {
        return Map.copyOf(tables.getOrDefault(namespace + "." + stream, Map.of()));
    }

    public synchronized int commits() {
        return commits;
    }
}
