package dev.sluice.cli.replay;

import dev.sluice.cli.Converters;
import dev.sluice.cli.GracefulStop;
import dev.sluice.cli.IdlePriority;
import dev.sluice.cli.UserError;
import dev.sluice.replay.EventSource;
import dev.sluice.replay.Subscription;
import dev.sluice.replay.govern.ForegroundMonitor;
import dev.sluice.replay.govern.Governor;
import dev.sluice.replay.govern.GovernorConfig;
import dev.sluice.replay.govern.Mode;
import dev.sluice.replay.govern.Throttle;
import dev.sluice.replay.run.Replay;
import dev.sluice.replay.run.ReplayConfig;
import dev.sluice.replay.run.ReplayResult;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcCanary;
import dev.sluice.store.JdbcReplaySink;
import dev.sluice.time.Clock;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Wires one {@code sluice replay} run from its flags: database, sink, governor (with its foreground canary), the
 * engine, progress, Ctrl-C and the summary. The old tool's variables are read here and nowhere else:
 * {@code BACKFILL_DAYS} is the default of {@code --since}, {@code BACKFILL_MAX_MEMORY_MB} of
 * {@code --max-bytes-in-flight} (a bound on event bytes, not on the heap), {@code BACKFILL_DB_POOL_SIZE} of
 * {@code --max-db-connections}; {@code BACKFILL_BATCH_SIZE}, {@code BACKFILL_MAX_CONCURRENT} cap the governor and
 * with {@code BACKFILL_BATCH_DELAY_MS} make the {@code --throttle fixed} profile ({@link GovernorConfig}).
 * {@code BACKFILL_USE_IDLE} asked the old tool to yield to other work: {@code --mode background}, the default.
 */
public final class ReplayRun {
    static final long MIB = 1L << 20;

    private ReplayRun() {}

    /** What a run is made of, resolved from flags and environment. */
    public record Plan(DatabaseUrl db, GovernorConfig governor, ReplayConfig replay, String canarySql,
                       CpuPriority cpuPriority) {}

    static Plan plan(ReplayOptions o, Map<String, String> env, Clock clock) {
        DatabaseUrl db = Converters.databaseUrl(o.db);
        Mode mode = switch (o.throttle.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "fixed" -> Mode.FIXED;
            case "governor" -> parseMode(o.mode);
            default -> throw new IllegalArgumentException("--throttle must be governor or fixed, was '" + o.throttle
                    + "'");
        };
        GovernorConfig.Builder g = GovernorConfig.builder().mode(mode).legacyEnvironment(env);
        if (o.maxRate != null) {
            if (!(o.maxRate > 0)) {
                throw new IllegalArgumentException("--max-rate must be > 0 events/s, was " + o.maxRate);
            }
            g.maxRate(o.maxRate);
        }
        Integer connections = o.maxDbConnections;
        if (connections == null && env.get("BACKFILL_DB_POOL_SIZE") != null) {
            connections = legacyInt(env, "BACKFILL_DB_POOL_SIZE");
        }
        if (connections != null) {
            if (connections < 1) {
                throw new IllegalArgumentException("--max-db-connections must be >= 1, was " + connections);
            }
            g.maxConcurrency(connections);
        }
        if (db.kind() == DatabaseUrl.Kind.SQLITE) {
            g.maxConcurrency(1); // one writer: more commits in flight would only queue for the connection
        }
        long maxBytes = o.maxBytesInFlight != null ? o.maxBytesInFlight
                : env.get("BACKFILL_MAX_MEMORY_MB") != null ? legacyInt(env, "BACKFILL_MAX_MEMORY_MB") * MIB
                : ReplayConfig.DEFAULT_MAX_BYTES_IN_FLIGHT;
        if (maxBytes < 64 * 1024) {
            throw new IllegalArgumentException("--max-bytes-in-flight must be at least 64KiB, was " + maxBytes);
        }
        long nowUs = clock.epochMillis() * 1000;
        long start;
        if (o.cursor != null) {
            start = o.cursor;
        } else {
            Duration since = o.since != null ? o.since
                    : env.get("BACKFILL_DAYS") != null ? Duration.ofDays(legacyInt(env, "BACKFILL_DAYS"))
                    : Duration.ofHours(24);
            start = nowUs - since.toNanos() / 1000;
        }
        Subscription sub = new Subscription(o.wholeRecording ? OptionalLong.empty() : OptionalLong.of(start),
                new HashSet<>(o.collections), new HashSet<>(o.dids));
        if (o.until != null && o.follow) {
            throw new IllegalArgumentException("--until and --follow exclude each other: --follow never stops");
        }
        OptionalLong until = o.follow ? OptionalLong.empty() : OptionalLong.of(o.until != null ? o.until : nowUs);
        ReplayConfig rc = ReplayConfig.of(checkJob(o.job), sub, until).withRestart(o.restart)
                .withMaxBytesInFlight(maxBytes);
        return new Plan(db, g.build(), rc, o.canarySql, CpuPriority.of(o.cpuPriority, mode));
    }

    private static Mode parseMode(String text) {
        try {
            Mode m = Mode.parse(text);
            if (m == Mode.FIXED) {
                throw new IllegalArgumentException("fixed");
            }
            return m;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mode must be background, balanced or fast, was '" + text
                    + "' (the fixed baseline is --throttle fixed)");
        }
    }

    private static int legacyInt(Map<String, String> env, String name) {
        String v = env.get(name).strip();
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new IllegalArgumentException(name + " must be a whole number > 0, was '" + v + "'");
    }

    private static String checkJob(String job) {
        if (job == null || !job.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException("--job must be 1-100 letters, digits, '.', '_' or '-', was '" + job
                    + "'");
        }
        return job;
    }

    /** Runs {@code plan} against {@code source}; {@code started} sees the engine (progress, tests). */
    public static ReplayResult run(Plan plan, EventSource source, Clock clock, Consumer<Replay> started)
            throws Exception {
        int connections = plan.governor().maxConcurrency() + 1;
        try (Database db = Database.open(plan.db(), connections)) {
            JdbcReplaySink sink = new JdbcReplaySink(db, clock);
            Governor governor = new Governor(plan.governor(), clock);
            ForegroundMonitor monitor = null;
            try {
                if (plan.governor().mode().watchesForeground()) {
                    monitor = ForegroundMonitor.start(CpuPressureProbe.wrap(JdbcCanary.open(plan.db(),
                            plan.canarySql()), plan.db(), clock), governor, clock);
                }
                Replay replay = new Replay(source, sink, governor, new Throttle(governor, clock), plan.replay(),
                        clock);
                started.accept(replay);
                return replay.run();
            } finally {
                if (monitor != null) {
                    monitor.close();
                }
            }
        }
    }

    /** Runs with progress, Ctrl-C handling and a summary; returns the exit code. */
    static int execute(ReplayOptions o, EventSource source, PrintStream out, PrintStream err) throws Exception {
        Plan plan = plan(o, System.getenv(), Clock.system());
        if (plan.cpuPriority() == CpuPriority.IDLE) {
            if (IdlePriority.isChild()) {
                IdlePriority.applyHere();
            } else if (IdlePriority.canRelaunch()) {
                // The same command, at idle priority, in a session of its own; its heap twice what it may hold.
                return IdlePriority.relaunch(2 * plan.replay().maxBytesInFlight() + 64 * MIB);
            }
        }
        AtomicReference<Replay> running = new AtomicReference<>();
        AtomicReference<ReplayProgress> display = new AtomicReference<>();
        ReplayResult result;
        try (GracefulStop stop = GracefulStop.install()) {
            try {
                result = run(plan, source, Clock.system(), r -> {
                    running.set(r);
                    stop.stopWith(r::stop); // the batches in flight commit before the JVM exits
                    display.set(ReplayProgress.start(r, err, o.quiet || o.json));
                });
            } finally {
                ReplayProgress d = display.get();
                if (d != null) {
                    d.close();
                }
            }
            // Before the stop is released: after a Ctrl-C the JVM exits as soon as it is, and the summary must be out.
            Replay r = running.get();
            if (o.json) {
                out.println(ReplaySummary.json(result, r.governor().state()));
            } else {
                ReplaySummary.text(result, r.governor().state(), out);
            }
            out.flush();
        } catch (java.io.IOException e) {
            throw new UserError(e.getMessage());
        }
        return 0;
    }
}
