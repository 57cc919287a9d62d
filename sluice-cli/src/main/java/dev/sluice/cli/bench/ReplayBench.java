package dev.sluice.cli.bench;

import dev.sluice.cli.replay.ReplayRun;
import dev.sluice.replay.Event;
import dev.sluice.replay.Subscription;
import dev.sluice.replay.govern.GovernorConfig;
import dev.sluice.replay.govern.Mode;
import dev.sluice.replay.run.Replay;
import dev.sluice.replay.run.ReplayConfig;
import dev.sluice.replay.run.ReplayResult;
import dev.sluice.sim.jetstream.JetstreamSimConfig;
import dev.sluice.sim.jetstream.JetstreamSimulator;
import dev.sluice.source.jetstream.JetstreamEventSource;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcReplaySink;
import dev.sluice.store.ReplayTables;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code sluice bench replay}: one history from the Jetstream simulator replayed into PostgreSQL in each mode, while
 * pgbench runs a fixed-rate foreground against its own tables in the same database; the foreground's latency is
 * measured idle first, then during each mode. {@code limit} is a COPY of the rows a replay ends with.
 *
 * <p>Everything runs in a database the bench creates and drops. The simulator, the replay and the JDBC driver share
 * this JVM (peak RSS counts them all); pgbench and PostgreSQL run beside it on the same cores, which is the point: a
 * background replay must leave them room.
 */
final class ReplayBench {
    static final List<String> MODES = List.of("fast", "background", "fixed", "limit");
    static final String JOB = "bench";
    static final long WARM_UP_EVENTS = 100_000;

    record Plan(DatabaseUrl server, long events, int dids, int fixedSeconds, int idleSeconds, double pgbenchRate,
                int pgbenchClients, int pgbenchScale, List<String> modes, String canarySql, long seed) {}

    /**
     * @param events     events replayed (for fixed: in its 30 s; for limit: the history the rows fold from)
     * @param limitRatio events/s ÷ limit's events/s
     */
    record Run(String mode, long events, double seconds, double eventsPerS, double limitRatio, double foregroundP50Ms,
               double foregroundP99Ms, double foregroundP99Ratio, long foregroundTransactions, double peakRssMb,
               String governor, String failure) {
        Run withLimit(double limitEventsPerS) {
            return new Run(mode, events, seconds, eventsPerS, eventsPerS / limitEventsPerS, foregroundP50Ms,
                    foregroundP99Ms, foregroundP99Ratio, foregroundTransactions, peakRssMb, governor, failure);
        }
    }

    /** The idle foreground: what every mode's p99 is compared with. */
    record Idle(double p50Ms, double p99Ms, long transactions) {}

    private final Plan plan;
    private Idle idle;

    ReplayBench(Plan plan) {
        this.plan = plan;
    }

    Idle idle() {
        return idle;
    }

    List<Run> run(Consumer<String> log) throws Exception {
        BenchDatabases.checkServer(plan.server());
        DatabaseUrl db = BenchDatabases.create(plan.server(), "sluice_bench_replay");
        Path logs = Files.createTempDirectory("sluice-bench-replay");
        List<Run> runs = new ArrayList<>();
        try (JetstreamSimulator sim = JetstreamSimulator.start(JetstreamSimConfig.builder().port(0)
                .events(plan.events()).hours(24).retention(java.time.Duration.ofHours(48)) // nothing clamped mid-bench
                .dids(plan.dids()).seed(plan.seed()).rate(1000).build())) {
            PgbenchLoad foreground = new PgbenchLoad(db, plan.pgbenchRate(), plan.pgbenchClients(), logs);
            log.accept("pgbench -i -s " + plan.pgbenchScale());
            foreground.initialise(plan.pgbenchScale());
            // Unmeasured: the JIT compiles the replay path here rather than during the first measured mode (a cold
            // JVM's compiler threads take both cores for seconds, which is not the replay's doing).
            long warmUntil = sim.event(Math.min(plan.events(), WARM_UP_EVENTS) - 1).timeUs() + 1;
            log.accept("warm-up: " + Math.min(plan.events(), WARM_UP_EVENTS) + " events, fast, unmeasured");
            replay("fast", db, sim, warmUntil);
            resetTables(db);
            PgbenchLoad.Latencies quiet = foreground.idle(plan.idleSeconds());
            idle = new Idle(quiet.percentileMs(50), quiet.percentileMs(99), quiet.count());
            log.accept(String.format(java.util.Locale.ROOT, "idle foreground: p50 %.2f ms, p99 %.2f ms (%d tx)",
                    idle.p50Ms(), idle.p99Ms(), idle.transactions()));
            long historyEndUs = sim.event(plan.events() - 1).timeUs() + 1;
            for (String mode : plan.modes()) {
                resetTables(db);
                Run r = measure(mode, db, sim, historyEndUs, foreground);
                log.accept(String.format(java.util.Locale.ROOT,
                        "%-10s %,9d events %7.1f s %9.0f ev/s  fg p50 %.2f p99 %.2f ms (×%.2f)  rss %.0f MB  %s%s",
                        r.mode(), r.events(), r.seconds(), r.eventsPerS(), r.foregroundP50Ms(), r.foregroundP99Ms(),
                        r.foregroundP99Ratio(), r.peakRssMb(), r.governor(),
                        r.failure() == null ? "" : "  FAILED: " + r.failure()));
                runs.add(r);
            }
        } finally {
            BenchDatabases.drop(plan.server(), db);
            deleteQuietly(logs);
        }
        double limit = runs.stream().filter(r -> r.mode().equals("limit")).mapToDouble(Run::eventsPerS).findFirst()
                .orElse(Double.NaN);
        return runs.stream().map(r -> r.withLimit(limit)).toList();
    }

    private Run measure(String mode, DatabaseUrl db, JetstreamSimulator sim, long historyEndUs,
                        PgbenchLoad foreground) throws Exception {
        AtomicReference<Outcome> outcome = new AtomicReference<>();
        RssMeter rss = RssMeter.start();
        PgbenchLoad.Latencies during;
        try {
            during = foreground.measure(() -> outcome.set(mode.equals("limit") ? copy(db, sim)
                    : replay(mode, db, sim, historyEndUs)));
        } finally {
            rss.close();
        }
        double peak = rss.stopMb();
        Outcome o = outcome.get();
        if (o.failure == null && (mode.equals("fast") || mode.equals("background"))) {
            String wrong = verify(db, sim); // after the foreground stopped: checking is not part of the mode
            if (wrong != null) {
                o = new Outcome(o.events, o.seconds, o.governor, wrong);
            }
        }
        double p99 = during.percentileMs(99);
        return new Run(mode, o.events, o.seconds, o.events / o.seconds, Double.NaN, during.percentileMs(50), p99,
                p99 / idle.p99Ms(), during.count(), peak, o.governor, o.failure);
    }

    private record Outcome(long events, double seconds, String governor, String failure) {}

    private Outcome replay(String mode, DatabaseUrl db, JetstreamSimulator sim, long historyEndUs) throws Exception {
        Mode m = switch (mode) {
            case "fast" -> Mode.FAST;
            case "background" -> Mode.BACKGROUND;
            default -> Mode.FIXED;
        };
        boolean fixed = m == Mode.FIXED;
        Subscription from = Subscription.from(sim.oldestUs());
        ReplayConfig rc = ReplayConfig.of(JOB, from, OptionalLong.of(historyEndUs)).withRestart(true);
        ReplayRun.Plan plan = new ReplayRun.Plan(db, GovernorConfig.builder().mode(m).legacyEnvironment(System.getenv()).build(), rc,
                this.plan.canarySql());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        AtomicReference<Replay> running = new AtomicReference<>();
        try {
            ReplayResult r = ReplayRun.run(plan, new JetstreamEventSource(sim.uri(), 4L << 20), Clock.system(),
                    replay -> {
                        running.set(replay);
                        if (fixed) {
                            timer.schedule(replay::stop, this.plan.fixedSeconds(), TimeUnit.SECONDS);
                        }
                    });
            long received = r.stats().received();
            String failure = null;
            if (!fixed && received != this.plan.events()) {
                failure = "received " + received + " of " + this.plan.events() + " events";
            }
            return new Outcome(received, r.seconds(), running.get().governor().state().summary() + " held-back "
                    + r.stats().heldBack() + "/" + r.stats().batches(), failure);
        } finally {
            timer.shutdownNow();
        }
    }

    private Outcome copy(DatabaseUrl db, JetstreamSimulator sim) {
        try (Database d = Database.open(db)) {
            JdbcReplaySink sink = new JdbcReplaySink(d, Clock.system());
            List<Event> rows = ReplayTables.finalRows(history(sim));
            long started = System.nanoTime();
            sink.copyLimit(rows);
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Outcome(plan.events(), seconds, "COPY", null);
        }
    }

    /** Null when the replay tables hold exactly what the history folds to; else how they differ. */
    private String verify(DatabaseUrl db, JetstreamSimulator sim) {
        try (Database d = Database.open(db)) {
            var stored = ReplayTables.digest(d);
            var expected = ReplayTables.expectedDigest(history(sim));
            return stored.equals(expected) ? null : "the tables hold " + stored + ", the history folds to " + expected;
        }
    }

    /** The simulator's history: every event the replays read (the live tail excluded). */
    private Iterable<Event> history(JetstreamSimulator sim) {
        return () -> new java.util.Iterator<>() {
            long i;

            @Override
            public boolean hasNext() {
                return i < plan.events();
            }

            @Override
            public Event next() {
                return sim.event(i++);
            }
        };
    }

    private static void resetTables(DatabaseUrl db) throws Exception {
        try (Connection c = BenchDatabases.connect(db); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS records, record_tombstones, identities, accounts");
            st.execute("DO $$ BEGIN IF to_regclass('replay_checkpoints') IS NOT NULL THEN "
                    + "DELETE FROM replay_checkpoints; END IF; END $$");
            // the table of the default canary: a one-row write, like the foreground's writes (see BenchReplayCommand)
            st.execute("CREATE TABLE IF NOT EXISTS sluice_canary (id int PRIMARY KEY, n bigint NOT NULL)");
            st.execute("INSERT INTO sluice_canary VALUES (1, 0) ON CONFLICT DO NOTHING");
            st.execute("CHECKPOINT");
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            System.err.println("sluice: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
