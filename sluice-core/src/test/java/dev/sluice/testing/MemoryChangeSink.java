package dev.sluice.testing;

import dev.sluice.sync.Change;
import dev.sluice.sync.ChangeSink;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.Stored;
import dev.sluice.sync.SyncState;
import dev.sluice.sync.rule.ObjectFold;
import dev.sluice.time.Clock;
import dev.sluice.time.TimeRange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link ChangeSink} in memory keeping the JDBC sink's promises: each apply all or nothing, events recorded once,
 * deletions final. {@link #failAfter} makes the n-th apply from now throw before changing anything (a crash), and
 * {@link #timesApplied} tells how often each event id was recorded (never more than once).
 */
public final class MemoryChangeSink implements ChangeSink {
    /** A stored row. */
    public record Row(long created, long version, String json, boolean deleted, long syncedAtMillis) {
    }

    private final Clock clock;
    private final Map<String, Row> rows = new HashMap<>();
    private final Map<String, Long> removed = new HashMap<>();
    private final Map<String, Long> appliedEvents = new HashMap<>();
    private final Map<String, Integer> timesApplied = new HashMap<>();
    private final Map<String, SyncState> states = new HashMap<>();
    private final Map<String, DeletionMode> modes = new HashMap<>();
    private final List<String> resets = new ArrayList<>();
    private int applies;
    private int failAt = -1;
    private int failUntil = -1;
    private long stateReadNanos;

    public MemoryChangeSink(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void prepare(String namespace, String stream) {
    }

    @Override
    public synchronized DeletionMode deletionMode(String namespace, DeletionMode requested) {
        DeletionMode recorded = modes.get(namespace);
        if (recorded == null) {
            DeletionMode mode = requested == null ? DeletionMode.TOMBSTONE : requested;
            modes.put(namespace, mode);
            return mode;
        }
        if (requested != null && requested != recorded) {
            throw new IllegalArgumentException("namespace " + namespace + " keeps deletions as " + recorded.flag());
        }
        return recorded;
    }

    @Override
    public synchronized Optional<SyncState> state(String job, String account) {
        if (stateReadNanos > 0) {
            try {
                clock.sleepNanos(stateReadNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return Optional.ofNullable(states.get(job + "|" + account));
    }

    @Override
    public synchronized void forget(String job, String account) {
        states.remove(job + "|" + account);
    }

    @Override
    public synchronized void beginBackfill(SyncState state) {
        states.put(state.job() + "|" + state.account(), state);
        resets.add(state.job() + ":" + String.join(",", state.backfilling()));
    }

    @Override
    public synchronized long finishBackfill(SyncState state, Map<String, TimeRange> listed, DeletionMode deletes) {
        long swept = 0;
        for (Map.Entry<String, TimeRange> e : listed.entrySet()) {
            String prefix = state.namespace() + "." + e.getKey() + "/";
            for (Map.Entry<String, Row> r : new ArrayList<>(rows.entrySet())) {
                Row row = r.getValue();
                if (r.getKey().startsWith(prefix) && !row.deleted() && e.getValue().contains(row.created())
                        && row.syncedAtMillis() < state.backfillStartedMillis()
                        && row.version() < state.backfillStartedMillis()) {
                    write(r.getKey(), deletes, new Row(row.created(), state.backfillStartedMillis(), row.json(), true,
                            clock.epochMillis()));
                    swept++;
                }
            }
        }
        List<String> streams = new ArrayList<>(state.streams());
        for (String s : state.backfilling()) {
            if (!streams.contains(s)) {
                streams.add(s);
            }
        }
        states.put(state.job() + "|" + state.account(), new SyncState(state.job(), state.account(),
                state.namespace(), state.cursor(), SyncState.Phase.EVENTS, streams, List.of(), 0));
        return swept;
    }

    @Override
    public synchronized Map<String, Stored> stored(String namespace, String stream, Collection<String> ids) {
        Map<String, Stored> out = new HashMap<>();
        for (String id : ids) {
            Stored s = storedOf(namespace + "." + stream + "/" + id);
            if (s != null) {
                out.put(id, s);
            }
        }
        return out;
    }

    private Stored storedOf(String key) {
        Row r = rows.get(key);
        if (r != null) {
            return new Stored(r.version(), r.deleted());
        }
        Long gone = removed.get(key);
        return gone == null ? null : new Stored(gone, true);
    }

    @Override
    public synchronized Set<String> applied(String namespace, Collection<String> eventIds) {
        Set<String> out = new HashSet<>();
        for (String id : eventIds) {
            if (appliedEvents.containsKey(namespace + "/" + id)) {
                out.add(id);
            }
        }
        return out;
    }

    @Override
    public synchronized Applied apply(Commit commit) {
        applies++;
        if (applies == failAt || (applies > failAt && applies < failUntil)) {
            throw new IllegalStateException("injected crash at apply " + applies);
        }
        int duplicates = 0;
        Map<String, List<Change>> byObject = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Change c : commit.changes()) {
            if (c.event() != null) {
                String key = commit.namespace() + "/" + c.event().id();
                if (appliedEvents.containsKey(key) || !seen.add(key)) {
                    duplicates++;
                    continue;
                }
            }
            byObject.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
        }
        for (String key : commit.rereads().keySet()) {
            byObject.computeIfAbsent(key, k -> new ArrayList<>());
        }
        int applied = 0;
        int skipped = 0;
        for (Map.Entry<String, List<Change>> e : byObject.entrySet()) {
            String key = commit.namespace() + "." + e.getKey();
            ObjectFold.Outcome o = ObjectFold.fold(storedOf(key), e.getValue(), commit.rereads().get(e.getKey()),
                    false);
            applied += o.applied();
            skipped += o.skipped();
            if (o.write() != null) {
                Change w = o.write();
                Row old = rows.get(key);
                long created = w.created() != Change.UNKNOWN_CREATED ? w.created()
                        : old != null ? old.created() : w.event() != null ? w.event().second() : 0;
                String json = w.json() != null ? w.json() : old != null ? old.json() : "{\"id\":\"" + w.id() + "\"}";
                write(key, commit.deletes(), new Row(created, w.version(), json, w.isDeletion(), clock.epochMillis()));
            }
        }
        for (Change c : commit.changes()) {
            if (c.event() != null) {
                String key = commit.namespace() + "/" + c.event().id();
                if (appliedEvents.putIfAbsent(key, c.event().second()) == null) {
                    timesApplied.merge(c.event().id(), 1, Integer::sum);
                }
            }
        }
        if (commit.cursor() != null) {
            CursorAdvance a = commit.cursor();
            SyncState s = states.get(a.job() + "|" + a.account());
            states.put(a.job() + "|" + a.account(), new SyncState(a.job(), a.account(), s.namespace(), a.second(),
                    s.phase(), a.streams(), s.backfilling(), s.backfillStartedMillis()));
        }
        return new Applied(applied, skipped, duplicates);
    }

    private void write(String key, DeletionMode deletes, Row row) {
        if (row.deleted() && deletes == DeletionMode.REMOVE) {
            rows.remove(key);
            removed.put(key, row.version());
        } else {
            rows.put(key, row);
        }
    }

    @Override
    public synchronized long pruneApplied(String namespace, long second) {
        int before = appliedEvents.size();
        appliedEvents.entrySet().removeIf(e -> e.getKey().startsWith(namespace + "/") && e.getValue() < second);
        return before - appliedEvents.size();
    }

    @Override
    public void close() {
    }

    /** Makes the n-th apply from now fail before changing anything. */
    public synchronized MemoryChangeSink failAfter(int n) {
        failAt = applies + n;
        failUntil = -1;
        return this;
    }

    /** Makes every read of a job's state take this long on the clock (a slow database, a late wake-up). */
    public synchronized MemoryChangeSink stateReadTakes(long millis) {
        stateReadNanos = millis * 1_000_000L;
        return this;
    }

    /** Makes {@code count} applies in a row fail, from the n-th from now on (an outage; 0 ends one under way). */
    public synchronized MemoryChangeSink failNext(int n, int count) {
        failAt = count == 0 ? -1 : applies + n;
        failUntil = count == 0 ? -1 : failAt + count;
        return this;
    }

    /** The rows of {@code namespace.stream}, by id. */
    public synchronized Map<String, Row> rows(String namespace, String stream) {
        Map<String, Row> out = new HashMap<>();
        String prefix = namespace + "." + stream + "/";
        rows.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Removed ids of {@code namespace.stream}. */
    public synchronized Set<String> removed(String namespace, String stream) {
        Set<String> out = new HashSet<>();
        String prefix = namespace + "." + stream + "/";
        removed.keySet().forEach(k -> {
            if (k.startsWith(prefix)) {
                out.add(k.substring(prefix.length()));
            }
        });
        return out;
    }

    /** How many times each event id was recorded as applied. */
    public synchronized Map<String, Integer> timesApplied() {
        return Map.copyOf(timesApplied);
    }

    /** Backfills begun, as {@code job:stream,stream}. */
    public synchronized List<String> backfillsBegun() {
        return List.copyOf(resets);
    }
}
