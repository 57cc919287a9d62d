package dev.sluice.testing;

import dev.sluice.replay.Event;
import dev.sluice.replay.ReplaySink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The reference semantics of {@link ReplaySink}, in memory: per record key the greatest rev wins (a delete leaves a
 * tombstone), per DID the greatest identity/account seq. Tests compare real sinks and whole replays against it;
 * {@link #failWhen} makes chosen commits fail, to test retries and atomicity.
 */
public final class MemoryReplaySink implements ReplaySink {
    /** What a record key holds: the rev that won and the record (null = deleted). */
    public record Version(String rev, String recordJson) {}

    private final TreeMap<String, Version> records = new TreeMap<>();
    private final Map<String, Long> identitySeq = new HashMap<>();
    private final Map<String, Long> accountSeq = new HashMap<>();
    private final Map<String, Long> checkpoints = new HashMap<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    private volatile Predicate<List<Event>> failWhen = events -> false;
    private int concurrent;
    private int maxConcurrent;

    public void failWhen(Predicate<List<Event>> p) {
        failWhen = p;
    }

    @Override
    public Applied apply(String job, int lane, List<Event> events, long checkpointUs) {
        synchronized (this) {
            concurrent++;
            maxConcurrent = Math.max(maxConcurrent, concurrent);
        }
        try {
            if (failWhen.test(events)) {
                throw new IllegalStateException("injected commit failure");
            }
            synchronized (this) {
                return fold(events, job, checkpointUs);
            }
        } finally {
            synchronized (this) {
                concurrent--;
            }
        }
    }

    private Applied fold(List<Event> events, String job, long checkpointUs) {
        int applied = 0;
        int skipped = 0;
        for (Event e : events) {
            boolean changed = switch (e.kind()) {
                case COMMIT -> {
                    String key = key(e);
                    Version old = records.get(key);
                    if (old != null && old.rev().compareTo(e.commit().rev()) >= 0) {
                        yield false;
                    }
                    records.put(key, new Version(e.commit().rev(), e.commit().recordJson()));
                    yield true;
                }
                case IDENTITY -> newer(identitySeq, e.did(), e.identity().seq());
                case ACCOUNT -> newer(accountSeq, e.did(), e.account().seq());
            };
            if (changed) {
                applied++;
            } else {
                skipped++;
            }
        }
        batchSizes.add(events.size());
        checkpoints.merge(job, checkpointUs, Math::max);
        return new Applied(applied, skipped);
    }

    private static boolean newer(Map<String, Long> seqs, String did, long seq) {
        Long old = seqs.get(did);
        if (old != null && old >= seq) {
            return false;
        }
        seqs.put(did, seq);
        return true;
    }

    public static String key(Event e) {
        return e.did() + " " + e.commit().collection() + " " + e.commit().rkey();
    }

    @Override
    public synchronized OptionalLong checkpoint(String job) {
        Long cp = checkpoints.get(job);
        return cp == null ? OptionalLong.empty() : OptionalLong.of(cp);
    }

    @Override
    public synchronized void clearCheckpoint(String job) {
        checkpoints.remove(job);
    }

    /** Live records by key ("did collection rkey") → record JSON; deleted keys are absent. */
    public synchronized Map<String, String> liveRecords() {
        Map<String, String> live = new TreeMap<>();
        records.forEach((k, v) -> {
            if (v.recordJson() != null) {
                live.put(k, v.recordJson());
            }
        });
        return live;
    }

    public synchronized Map<String, Long> identitySeqs() {
        return Map.copyOf(identitySeq);
    }

    public synchronized Map<String, Long> accountSeqs() {
        return Map.copyOf(accountSeq);
    }

    public synchronized List<Integer> batchSizes() {
        return List.copyOf(batchSizes);
    }

    public synchronized int maxConcurrent() {
        return maxConcurrent;
    }

    /** Folds {@code events} into a fresh sink: what any correct replay of them must end with. */
    public static MemoryReplaySink reference(Iterable<Event> events) {
        MemoryReplaySink ref = new MemoryReplaySink();
        List<Event> all = new ArrayList<>();
        events.forEach(all::add);
        ref.fold(all, "reference", Long.MIN_VALUE);
        return ref;
    }
}
