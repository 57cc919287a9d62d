package dev.sluice.store;

import dev.sluice.sync.Change;
import dev.sluice.sync.ChangeSink;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.Stored;
import dev.sluice.sync.SyncState;
import dev.sluice.sync.rule.ObjectFold;
import dev.sluice.store.internal.AppliedEvents;
import dev.sluice.store.internal.CheckpointRows;
import dev.sluice.store.internal.Deletions;
import dev.sluice.store.internal.Dialect;
import dev.sluice.store.internal.NamespaceModes;
import dev.sluice.store.internal.ObjectRows;
import dev.sluice.store.internal.RowSweep;
import dev.sluice.store.internal.StreamTables;
import dev.sluice.store.internal.SyncRows;
import dev.sluice.store.internal.Transactions;
import dev.sluice.time.Clock;
import dev.sluice.time.TimeRange;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link ChangeSink} over a {@link Database}: the stream tables (shared with {@link JdbcRecordSink}, which writes
 * list pages), {@code sluice_applied_events}, {@code sluice_deletions}, {@code sluice_sync_cursors} and
 * {@code sluice_namespaces}.
 *
 * <p>An {@link #apply} is one transaction: the objects it touches are locked first ({@link Dialect#lockObjects}),
 * events are recorded as applied (a repeat is dropped), the stored states are read under those locks, each object's
 * changes are folded with the version rule, and the outcome and the cursor are written. {@link #close()} leaves the
 * {@link Database} open; its owner closes it.
 */
public final class JdbcChangeSink implements ChangeSink {
    private final Database db;
    private final Dialect dialect;
    private final Clock clock;
    private final SyncRows cursors;
    private final AppliedEvents events;
    private final Deletions deletions;
    private final NamespaceModes modes;
    private final ObjectRows objects;
    private final CheckpointRows checkpoints;
    private final RowSweep sweep;

    public JdbcChangeSink(Database db, Clock clock) {
        this.db = db;
        this.dialect = db.dialect();
        this.clock = clock;
        this.cursors = new SyncRows(dialect);
        this.events = new AppliedEvents(dialect);
        this.deletions = new Deletions(dialect);
        this.modes = new NamespaceModes(dialect);
        this.objects = new ObjectRows(dialect);
        this.checkpoints = new CheckpointRows(dialect);
        this.sweep = new RowSweep(dialect);
    }

    /** Runs {@code work} in one transaction; {@code what} names it in an error. */
    private <T> T inTransaction(String what, Transactions.Work<T> work) {
        try {
            return Transactions.inTransaction(db.dataSource(), work);
        } catch (SQLException e) {
            throw new StoreException(what + " failed (nothing of it was applied): " + e.getMessage(), e);
        }
    }

    @Override
    public void prepare(String namespace, String stream) {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            StreamTables.prepare(c, dialect, namespace, stream);
        } catch (SQLException e) {
            throw new StoreException("cannot create or upgrade the table " + dialect.tableName(namespace, stream)
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public DeletionMode deletionMode(String namespace, DeletionMode requested) {
        DeletionMode recorded = inTransaction("recording the deletion mode of namespace " + namespace,
                c -> modes.recordIfAbsent(c, namespace, requested == null ? DeletionMode.TOMBSTONE : requested,
                        clock.epochMillis()));
        if (requested != null && requested != recorded) {
            throw new IllegalArgumentException("--deletes " + requested.flag() + ": namespace '" + namespace
                    + "' keeps deleted objects " + (recorded == DeletionMode.TOMBSTONE ? "as tombstones (rows with "
                    + "deleted = true)" : "removed") + ", as recorded by its first sync; run with --deletes "
                    + recorded.flag() + ", or change it for good with: UPDATE sluice_namespaces SET deletes = '"
                    + requested.flag() + "' WHERE namespace = '" + namespace + "'");
        }
        return recorded;
    }

    @Override
    public Optional<SyncState> state(String job, String account) {
        return inTransaction("reading the sync state of job '" + job + "'", c -> cursors.read(c, job, account));
    }

    @Override
    public void forget(String job, String account) {
        inTransaction("forgetting job '" + job + "'", c -> {
            checkpoints.deleteJob(c, job);
            cursors.delete(c, job, account);
            return null;
        });
    }

    @Override
    public void beginBackfill(SyncState state) {
        inTransaction("starting the backfill of job '" + state.job() + "'", c -> {
            for (String stream : state.backfilling()) {
                checkpoints.delete(c, state.job(), stream);
            }
            cursors.write(c, state, clock.epochMillis());
            return null;
        });
    }

    @Override
    public long finishBackfill(SyncState state, Map<String, TimeRange> listed, DeletionMode deletes) {
        return inTransaction("finishing the backfill of job '" + state.job() + "'", c -> {
            long swept = 0;
            for (Map.Entry<String, TimeRange> e : listed.entrySet()) {
                swept += sweep.unlisted(c, state.namespace(), e.getKey(), e.getValue(), state.backfillStartedMillis(),
                        deletes, clock.epochMillis());
            }
            Set<String> streams = new TreeSet<>(state.streams());
            streams.addAll(state.backfilling());
            cursors.write(c, new SyncState(state.job(), state.account(), state.namespace(), state.cursor(),
                    SyncState.Phase.EVENTS, new ArrayList<>(streams), List.of(), 0), clock.epochMillis());
            return swept;
        });
    }

    @Override
    public Map<String, Stored> stored(String namespace, String stream, Collection<String> ids) {
        return inTransaction("reading " + namespace + "." + stream, c -> storedStates(c, namespace, stream, ids));
    }

    private Map<String, Stored> storedStates(Connection c, String namespace, String stream, Collection<String> ids)
            throws SQLException {
        Map<String, Stored> out = objects.stored(c, namespace, stream, ids);
        deletions.known(c, namespace, stream, ids).forEach((id, version) -> out.put(id, new Stored(version, true)));
        return out;
    }

    @Override
    public Set<String> applied(String namespace, Collection<String> eventIds) {
        return inTransaction("reading applied events", c -> events.known(c, namespace, eventIds));
    }

    @Override
    public Applied apply(Commit commit) {
        String ns = commit.namespace();
        return inTransaction("applying " + commit.changes().size() + " changes to namespace " + ns, c -> {
            long now = clock.epochMillis();
            Set<String> keys = new HashSet<>(commit.rereads().keySet());
            for (Change ch : commit.changes()) {
                keys.add(ch.key());
            }
            dialect.lockObjects(c, keys.stream().map(k -> ns + "." + k).toList());
            int duplicates = 0;
            Set<String> seen = new HashSet<>();
            Map<String, List<Change>> byObject = new LinkedHashMap<>();
            for (Change ch : commit.changes()) {
                if (ch.event() != null && (!seen.add(ch.event().id())
                        || !events.record(c, ns, ch.event().id(), ch.event().second(), now))) {
                    duplicates++;
                    continue;
                }
                byObject.computeIfAbsent(ch.key(), k -> new ArrayList<>()).add(ch);
            }
            for (String key : commit.rereads().keySet()) {
                byObject.computeIfAbsent(key, k -> new ArrayList<>());
            }
            Map<String, Stored> stored = storedByKey(c, ns, byObject, commit.rereads());
            int applied = 0;
            int skipped = 0;
            for (Map.Entry<String, List<Change>> e : byObject.entrySet()) {
                ObjectFold.Outcome o = ObjectFold.fold(stored.get(e.getKey()), e.getValue(),
                        commit.rereads().get(e.getKey()), false);
                applied += o.applied();
                skipped += o.skipped();
                if (o.write() != null) {
                    write(c, ns, commit.deletes(), o.write(), now);
                }
            }
            if (commit.cursor() != null) {
                cursors.advance(c, commit.cursor(), now);
            }
            return new Applied(applied, skipped, duplicates);
        });
    }

    private Map<String, Stored> storedByKey(Connection c, String ns, Map<String, List<Change>> byObject,
            Map<String, Change> rereads) throws SQLException {
        Map<String, List<String>> idsByStream = new LinkedHashMap<>();
        for (String key : byObject.keySet()) {
            List<Change> run = byObject.get(key);
            Change any = run.isEmpty() ? rereads.get(key) : run.get(0);
            idsByStream.computeIfAbsent(any.stream(), s -> new ArrayList<>()).add(any.id());
        }
        Map<String, Stored> out = new HashMap<>();
        for (Map.Entry<String, List<String>> e : idsByStream.entrySet()) {
            storedStates(c, ns, e.getKey(), e.getValue()).forEach((id, s) -> out.put(e.getKey() + "/" + id, s));
        }
        return out;
    }

    private void write(Connection c, String ns, DeletionMode deletes, Change w, long now) throws SQLException {
        if (!w.isDeletion()) {
            objects.upsert(c, ns, w, now);
        } else if (deletes == DeletionMode.TOMBSTONE) {
            objects.tombstone(c, ns, w, now);
        } else {
            objects.remove(c, ns, w.stream(), w.id());
            deletions.remember(c, ns, w.stream(), w.id(), w.version(), now);
        }
    }

    @Override
    public long pruneApplied(String namespace, long second) {
        return inTransaction("pruning applied events", c -> events.prune(c, namespace, second));
    }

    /** Nothing to release: the {@link Database} belongs to the caller. */
    @Override
    public void close() {
    }
}
