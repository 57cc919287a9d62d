package dev.sluice.store;

import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.Remainder;
import dev.sluice.pull.plan.Segment;
import dev.sluice.pull.plan.SegmentPlanner.SegmentIds;
import dev.sluice.pull.run.SegmentLedger;
import dev.sluice.store.internal.CheckpointRows;
import dev.sluice.store.internal.RecordUpserts;
import dev.sluice.store.internal.SegmentRows;
import dev.sluice.store.internal.SegmentRows.State;
import dev.sluice.store.internal.Transactions;
import dev.sluice.store.internal.WorkerRows;
import dev.sluice.time.Clock;
import dev.sluice.time.TimeRange;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SegmentLedger} shared by every process that runs one job on one PostgreSQL database: the segments of a
 * run are rows in {@code sluice_segments}, leased by one process at a time.
 *
 * <ul>
 *   <li><b>One run.</b> {@link #begin} inserts the stream's checkpoint row with {@code ON CONFLICT DO NOTHING} and
 *       reads it back under its row lock, so processes starting together agree on one run (one frozen upper bound)
 *       and on one set of segment rows.</li>
 *   <li><b>Claim.</b> {@link #claim} takes open rows and rows whose lease ended, {@code FOR UPDATE SKIP LOCKED},
 *       and bumps each one's epoch: the epoch is the fencing token of that lease.</li>
 *   <li><b>Fence.</b> {@link #commit} first updates each page's segment row {@code WHERE id = ? AND epoch = ?},
 *       which writes the new cursor and renews the lease; zero rows means the lease was lost, and the transaction is
 *       rolled back before any record is written and tried again without that segment. Then the records, then the
 *       stream's checkpoint (recomputed from the rows, under the checkpoint row's lock). Under read committed a
 *       claim's {@code epoch + 1} and a late commit queue on the same row lock and re-check, so exactly one wins.</li>
 *   <li><b>Liveness.</b> A heartbeat renews every lease held every third of the lease, so a slow request does not
 *       lose it; a process that stops (killed, paused, partitioned) stops renewing, and after {@code lease} any live
 *       process takes its segments over from their committed cursors.</li>
 *   <li><b>Splits</b> shrink the parent's row (fenced) and insert the part split off as an open row, which any
 *       process may claim.</li>
 * </ul>
 *
 * <p>Lock order, which keeps commits free of deadlocks: segment rows (in id order), then checkpoint rows (in stream
 * order). The heartbeat touches one row per statement. NOTE: lease times are each process's wall clock in epoch
 * milliseconds; processes on machines whose clocks differ by a sizeable part of the lease take leases over early or
 * late (NTP keeps that to milliseconds).
 */
public final class LeasedLedger implements SegmentLedger {
    private static final Logger LOG = LoggerFactory.getLogger(LeasedLedger.class);

    /** A lease this process holds: the segment's row and the epoch that fences it. */
    private record Held(String id, long epoch) {
    }

    private final Database db;
    private final Clock clock;
    private final Duration lease;
    private final String worker;
    private final CheckpointRows checkpoints;
    private final RecordUpserts upserts;
    private final Map<Segment, Held> held = new ConcurrentHashMap<>();
    private final Set<Segment> lost = ConcurrentHashMap.newKeySet();
    private final Map<String, String> namespaces = new ConcurrentHashMap<>();
    private final Map<String, Checkpoint> runs = new ConcurrentHashMap<>();
    private volatile String job;
    private volatile Thread heartbeat;

    /**
     * @param lease  how long a lease lasts without renewal ({@code --lease})
     * @param worker this process's name in the rows ({@code pid@host})
     */
    public LeasedLedger(Database db, Clock clock, Duration lease, String worker) {
        this.db = Objects.requireNonNull(db, "db");
        if (db.dialect().ddlLock().isEmpty()) {
            throw new IllegalArgumentException("a leased ledger needs PostgreSQL, not " + db.url().kind());
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        if (lease.toMillis() < 100) {
            throw new IllegalArgumentException("--lease must be at least 100ms, was " + lease);
        }
        this.lease = lease;
        this.worker = Objects.requireNonNull(worker, "worker");
        this.checkpoints = new CheckpointRows(db.dialect());
        this.upserts = new RecordUpserts(db.dialect());
    }

    /** {@code pid@host} of this process. */
    public static String thisProcess() {
        return ProcessHandle.current().pid() + "@" + JobLock.host();
    }

    /** Starts the heartbeat thread (a daemon) that renews this process's leases every third of the lease. */
    public LeasedLedger startHeartbeat() {
        Thread t = Thread.ofPlatform().daemon().name("sluice-lease-heartbeat").start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    clock.sleep(lease.dividedBy(3));
                    try {
                        heartbeat();
                    } catch (StoreException e) {
                        LOG.warn("lease heartbeat failed (tried again in {} ms): {}", lease.dividedBy(3).toMillis(),
                                e.getMessage());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        heartbeat = t;
        return this;
    }

    /** Renews every lease held; a lease found lost is reported by {@link #lost()}. */
    public void heartbeat() {
        long now = clock.epochMillis();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(true);
            for (Map.Entry<Segment, Held> e : held.entrySet()) {
                Held h = e.getValue();
                if (!SegmentRows.renew(c, h.id(), h.epoch(), now, now + lease.toMillis())
                        && held.remove(e.getKey(), h)) {
                    lost.add(e.getKey());
                }
            }
            if (job != null) {
                WorkerRows.beat(c, worker, job, now);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot renew the leases of " + worker + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Begun begin(String job, String namespace, String stream, Optional<Checkpoint> saved, Checkpoint proposed,
            SegmentIds ids) {
        this.job = job;
        namespaces.put(stream, namespace);
        Checkpoint run = inTransaction("begin the run of job '" + job + "' stream " + stream, c -> {
            long now = clock.epochMillis();
            boolean inserted = checkpoints.insertIfAbsent(c, job, namespace, stream, proposed, now);
            Checkpoint row = checkpoints.readForUpdate(c, job, stream).orElseThrow();
            Checkpoint agreed = row;
            boolean basedOnRow = saved == null || saved.isPresent() && saved.get().equals(row);
            if (!inserted && row.done() && !proposed.done() && !proposed.equals(row) && basedOnRow) {
                checkpoints.upsert(c, job, namespace, stream, proposed, now); // the next run, after a finished one
                agreed = proposed;
                SegmentRows.create(c, job, namespace, stream, agreed);
            } else if (!agreed.done() && SegmentRows.count(c, job, stream, agreed) == 0) {
                SegmentRows.create(c, job, namespace, stream, agreed); // a run begun here, or by a single process
            }
            WorkerRows.beat(c, worker, job, now);
            return agreed;
        });
        runs.put(stream, run);
        return new Begun(run, List.of());
    }

    @Override
    public List<Segment> claim(int max, boolean abandonedOnly, Set<String> except, SegmentIds ids) {
        List<String> streams = runs.keySet().stream().filter(s -> !except.contains(s) && !runs.get(s).done())
                .toList();
        if (max <= 0 || streams.isEmpty()) {
            return List.of();
        }
        long now = clock.epochMillis();
        List<SegmentRows.Row> rows = inTransaction("claim segments of job '" + job + "'",
                c -> SegmentRows.claim(c, job, streams, max, abandonedOnly, worker, now, now + lease.toMillis()));
        List<Segment> out = new ArrayList<>(rows.size());
        for (SegmentRows.Row r : rows) {
            TimeRange range = new TimeRange(r.gte(), r.lt());
            Segment seg = r.probe() ? Segment.probe(r.stream(), ids.next(), range)
                    : r.cursor() == null ? Segment.fresh(r.stream(), ids.next(), range, r.density())
                    : Segment.resumed(r.stream(), ids.next(), new Remainder(r.gte(), r.lt(), r.cursor()));
            held.put(seg, new Held(r.id(), r.epoch()));
            out.add(seg);
            LOG.debug("claimed {} (epoch {})", seg, r.epoch());
        }
        return out;
    }

    @Override
    public boolean split(Segment parent, Segment child) {
        place(parent, List.of(child), false);
        return false;
    }

    @Override
    public List<Segment> replaceProbe(Segment probe, List<Segment> replacements) {
        place(probe, replacements, true);
        return List.of();
    }

    /** Writes the parent's state (fenced) and inserts the new parts as open rows, in one transaction. */
    private void place(Segment parent, List<Segment> parts, boolean parentDone) {
        Held h = held.get(parent);
        if (h == null) {
            return;
        }
        long now = clock.epochMillis();
        boolean kept = inTransaction("split a segment of job '" + job + "'", c -> {
            if (!SegmentRows.write(c, h.id(), h.epoch(), state(parent, parentDone), now, now + lease.toMillis())) {
                c.rollback();
                return false;
            }
            for (Segment p : parts) {
                SegmentRows.insert(c, job, namespaces.get(p.stream()), p.stream(), runs.get(p.stream()),
                        state(p, false), false);
            }
            return true;
        });
        if (!kept || parentDone) {
            held.remove(parent);
        }
        if (!kept) {
            lost.add(parent);
        }
    }

    private static State state(Segment s, boolean done) {
        return new State(s.gte(), s.lt(), s.cursor(), done || s.done(), s.density());
    }

    @Override
    public Committed commit(String job, List<PageWrite> pages, Function<String, Checkpoint> localCheckpoint) {
        List<PageWrite> pending = new ArrayList<>(pages);
        Set<Segment> lostHere = new HashSet<>();
        pending.removeIf(p -> {
            boolean gone = !held.containsKey(p.segment());
            if (gone) {
                lostHere.add(p.segment());
            }
            return gone;
        });
        pending.sort(Comparator.comparing(p -> held.get(p.segment()).id()));
        while (true) {
            if (pending.isEmpty()) {
                return new Committed(lostHere, Map.of());
            }
            long now = clock.epochMillis();
            List<PageWrite> batch = List.copyOf(pending);
            Map<String, Checkpoint> written = inTransaction("commit pages of job '" + job + "'", c -> {
                List<PageWrite> fenced = new ArrayList<>();
                for (PageWrite p : batch) {
                    Held h = held.get(p.segment());
                    if (h == null || !SegmentRows.write(c, h.id(), h.epoch(), state(p.segment(), false), now,
                            now + lease.toMillis())) {
                        fenced.add(p);
                    }
                }
                if (!fenced.isEmpty()) {
                    c.rollback(); // nothing of this transaction is written: try again without the lost segments
                    for (PageWrite p : fenced) {
                        pending.remove(p);
                        lostHere.add(p.segment());
                        held.remove(p.segment());
                    }
                    return null;
                }
                Map<String, Checkpoint> cps = new TreeMap<>();
                for (PageWrite p : batch) {
                    upserts.apply(c, namespaces.get(p.segment().stream()), p.segment().stream(), p.records(), now);
                    cps.put(p.segment().stream(), null);
                }
                for (String stream : cps.keySet()) {
                    cps.put(stream, refreshCheckpoint(c, job, stream, now));
                }
                return cps;
            });
            if (written != null) {
                for (PageWrite p : batch) {
                    if (p.segment().done()) {
                        held.remove(p.segment());
                    }
                }
                return new Committed(lostHere, written);
            }
        }
    }

    /** Rewrites the stream's checkpoint from its segment rows, under the checkpoint row's lock. */
    private Checkpoint refreshCheckpoint(Connection c, String job, String stream, long now) throws SQLException {
        Checkpoint run = checkpoints.readForUpdate(c, job, stream).orElseThrow(
                () -> new SQLException("the checkpoint of job '" + job + "' stream " + stream + " is gone"));
        Checkpoint cp = new Checkpoint(run.range(), SegmentRows.remaining(c, job, stream));
        checkpoints.upsert(c, job, namespaces.get(stream), stream, cp, now);
        return cp;
    }

    @Override
    public Set<Segment> lost() {
        Set<Segment> out = new HashSet<>(lost);
        lost.removeAll(out);
        return out;
    }

    @Override
    public Optional<Map<String, Checkpoint>> finished(Collection<String> streams) {
        Map<String, Checkpoint> out = new LinkedHashMap<>();
        try (Connection c = db.dataSource().getConnection()) {
            for (String stream : streams) {
                Checkpoint cp = checkpoints.read(c, job, stream).orElseThrow();
                if (!cp.done()) {
                    return Optional.empty();
                }
                out.put(stream, cp);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the checkpoints of job '" + job + "': " + e.getMessage(), e);
        }
        return Optional.of(out);
    }

    @Override
    public Duration pollInterval() {
        // Idle processes ask often (an indexed query), so a split left open reaches them before its splitter
        // claims it back half a poll later; a dead owner's segments are asked for as often.
        return Duration.ofMillis(Math.max(50, Math.min(250, lease.toMillis() / 20)));
    }

    @Override
    public void release(String stream) {
        releaseWhere(s -> s.stream().equals(stream));
    }

    @Override
    public void releaseAll() {
        releaseWhere(s -> true);
    }

    private void releaseWhere(java.util.function.Predicate<Segment> which) {
        long now = clock.epochMillis();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(true);
            for (Map.Entry<Segment, Held> e : held.entrySet()) {
                if (which.test(e.getKey()) && held.remove(e.getKey(), e.getValue())) {
                    SegmentRows.renew(c, e.getValue().id(), e.getValue().epoch(), now, 0);
                }
            }
        } catch (SQLException e) {
            LOG.warn("could not give up the leases of {} (they end by themselves in {}): {}", worker, lease,
                    e.getMessage());
        }
    }

    /** The segments this process holds now, for tests and status. */
    public int held() {
        return held.size();
    }

    @Override
    public void close() {
        Thread t = heartbeat;
        if (t != null) {
            t.interrupt();
        }
        if (job != null) {
            try (Connection c = db.dataSource().getConnection()) {
                WorkerRows.gone(c, worker);
            } catch (SQLException e) {
                LOG.debug("could not remove worker row {}: {}", worker, e.getMessage());
            }
        }
    }

    /**
     * NOTE: a process paused inside one of these transactions (SIGSTOP, a long GC) would hold its row locks, and
     * the others would skip its segments and wait on its checkpoint rows for as long; PostgreSQL ends such a session
     * after one lease, so its locks go with its lease.
     */
    private <T> T inTransaction(String what, Transactions.Work<T> work) {
        try {
            return Transactions.inTransaction(db.dataSource(), c -> {
                try (var st = c.createStatement()) {
                    st.execute("SET LOCAL idle_in_transaction_session_timeout = " + lease.toMillis());
                }
                return work.run(c);
            });
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
