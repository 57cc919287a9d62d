package dev.sluice.cli.replay;

import dev.sluice.cli.CommandFailure;
import dev.sluice.cli.GracefulStop;
import dev.sluice.cli.IdlePriority;
import dev.sluice.cli.options.DatabaseOption;
import dev.sluice.cli.options.DatabaseRetryOption;
import dev.sluice.replay.EventSource;
import dev.sluice.replay.Subscription;
import dev.sluice.replay.govern.ForegroundMonitor;
import dev.sluice.replay.govern.ForegroundProbe;
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
import dev.sluice.store.StoreException;
import dev.sluice.time.Clock;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Wires one {@code sluice replay} run from its flags: database, sink, governor (with its foreground canary), the
 * engine, progress, Ctrl-C and the summary. The old tool's {@code BACKFILL_*} variables come in through
 * {@link LegacyEnvironment}, as defaults and caps.
 */
public final class ReplayRun {
    static final long MIB = 1L << 20;

    private ReplayRun() {}

    /**
     * What a run is made of, resolved from flags and environment.
     *
     * @param dbRetryFor how long a database outage is ridden out ({@code --db-retry-for})
     */
    public record Plan(DatabaseUrl db, GovernorConfig governor, ReplayConfig replay, String canarySql,
                       CpuPriority cpuPriority, Duration dbRetryFor) {}

    static Plan plan(ReplayOptions o, Map<String, String> env, Clock clock) {
        LegacyEnvironment legacy = LegacyEnvironment.from(env);
        DatabaseUrl db = o.db.url();
        Mode mode = switch (o.throttle.trim().toLowerCase(Locale.ROOT)) {
            case "fixed" -> Mode.FIXED;
            case "governor" -> parseMode(o.mode);
            default -> throw new IllegalArgumentException("--throttle must be governor or fixed, was '" + o.throttle
                    + "'");
        };
        GovernorConfig.Builder g = GovernorConfig.builder().mode(mode);
        if (o.maxRate != null) {
            if (!(o.maxRate > 0)) {
                throw new IllegalArgumentException("--max-rate must be > 0 events/s, was " + o.maxRate);
            }
            g.maxRate(o.maxRate);
        }
        int connections = o.maxDbConnections != null ? o.maxDbConnections
                : legacy.dbPoolSize().orElse(GovernorConfig.DEFAULT_MAX_CONCURRENCY);
        if (connections < 1) {
            throw new IllegalArgumentException("--max-db-connections must be >= 1, was " + connections);
        }
        if (db.kind() == DatabaseUrl.Kind.SQLITE) {
            connections = 1; // one writer: more commits in flight would only queue for the connection
        }
        legacy.applyTo(g, connections, GovernorConfig.DEFAULT_MAX_BATCH);
        long maxBytes = o.maxBytesInFlight != null ? o.maxBytesInFlight
                : legacy.maxMemoryMb().map(mb -> mb * MIB).orElse(ReplayConfig.DEFAULT_MAX_BYTES_IN_FLIGHT);
        long nowUs = clock.epochMillis() * 1000;
        long start;
        if (o.cursor != null) {
            start = o.cursor;
        } else {
            Duration since = o.since != null ? o.since
                    : legacy.days().map(d -> Duration.ofDays(d)).orElse(Duration.ofHours(24));
            start = nowUs - since.toNanos() / 1000;
        }
        Subscription sub = new Subscription(o.wholeRecording ? OptionalLong.empty() : OptionalLong.of(start),
                new HashSet<>(o.collections), new HashSet<>(o.dids));
        if (o.until != null && o.follow) {
            throw new IllegalArgumentException("--until and --follow exclude each other: --follow never stops");
        }
        OptionalLong until = o.follow ? OptionalLong.empty() : OptionalLong.of(o.until != null ? o.until : nowUs);
        ReplayConfig rc = ReplayConfig.builder().job(o.job).subscription(sub).untilUs(until).restart(o.restart)
                .maxBytesInFlight(maxBytes).build();
        return new Plan(db, g.build(), rc, o.canarySql, CpuPriority.of(o.cpuPriority != null && !o.cpuPriority.isBlank()
                ? o.cpuPriority : legacy.useIdle().map(idle -> idle ? "idle" : "normal").orElse(null), mode), o.dbRetry.retryFor());
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

    /** Runs {@code plan} against {@code source}; {@code started} sees the engine (progress, tests). */
    public static ReplayResult run(Plan plan, EventSource source, Clock clock, Consumer<Replay> started)
            throws Exception {
        int connections = plan.governor().maxConcurrency() + 1;
        try (Database db = DatabaseOption.open(plan.db(), connections)) {
            JdbcReplaySink sink = new JdbcReplaySink(db, clock);
            Governor governor = new Governor(plan.governor(), clock);
            ForegroundMonitor monitor = null;
            try {
                if (plan.governor().mode().watchesForeground()) {
                    monitor = startCanary(plan, governor, clock);
                }
                Replay replay = new Replay(source, sink, governor, new Throttle(governor, clock), plan.replay(),
                        DatabaseRetryOption.window(plan.dbRetryFor(), plan.db(), clock), clock);
                started.accept(replay);
                return replay.run();
            } finally {
                if (monitor != null) {
                    monitor.close();
                }
            }
        }
    }

    /** The foreground canary; one that cannot run at start-up (a typo in its SQL) is named with its flag. */
    private static ForegroundMonitor startCanary(Plan plan, Governor governor, Clock clock) {
        try {
            ForegroundProbe canary = SchedulingDelayProbe.wrap(JdbcCanary.open(plan.db(), plan.canarySql()));
            return ForegroundMonitor.start(CpuPressureProbe.wrap(canary, plan.db(), clock), governor, clock);
        } catch (IllegalStateException | StoreException e) {
            throw CommandFailure.cannotStart("--canary-sql: " + e.getMessage(), e);
        }
    }

    /**
     * The heap a relaunched replay gets: twice what it may hold in flight (the events as received and as decoded for
     * the batch) plus 64 MiB for everything else, so its resident memory stays within {@code --max-bytes-in-flight}
     * + 256 MiB with the JVM's own (code, metaspace, stacks, GC tables) beside it.
     */
    static long heapFor(long maxBytesInFlight) {
        return 2 * maxBytesInFlight + 64 * MIB;
    }

    /** Runs with progress, Ctrl-C handling and a summary; returns the exit code. */
    static int execute(ReplayOptions o, EventSource source, PrintStream out, PrintStream err) throws Exception {
        Plan plan = plan(o, System.getenv(), Clock.system());
        long heap = heapFor(plan.replay().maxBytesInFlight());
        if (plan.cpuPriority() == CpuPriority.IDLE) {
            if (IdlePriority.isChild()) {
                IdlePriority.applyHere();
            } else if (IdlePriority.canRelaunch()) {
                // The same command, at idle priority, in a session of its own.
                return IdlePriority.relaunch(heap, true);
            }
        } else if (IdlePriority.isChild()) {
            IdlePriority.stopWithParent();
        } else if (IdlePriority.canRelaunchForHeap()) {
            // The same command with a bounded heap: the JVM's default, a quarter of the machine's memory, let a fast
            // replay's resident memory reach 516 MB for 64 MiB in flight (bench replay, 2026-12-07).
            return IdlePriority.relaunch(heap, false);
        }
        AtomicReference<Replay> running = new AtomicReference<>();
        AtomicReference<ReplayProgress> display = new AtomicReference<>();
        ReplayResult result;
        try (GracefulStop stop = GracefulStop.install()) {
            try {
                result = run(plan, source, Clock.system(), r -> {
                    running.set(r);
                    stop.stopWith(r::stop); // the batches in flight commit before the JVM exits
                    display.set(ReplayProgress.start(r, err, !o.output.showProgress()));
                });
            } finally {
                ReplayProgress d = display.get();
                if (d != null) {
                    d.close();
                }
            }
            // Before the stop is released: after a Ctrl-C the JVM exits as soon as it is, and the summary must be out.
            Replay r = running.get();
            if (o.output.json()) {
                out.println(ReplaySummary.json(result, r.governor().state()));
            } else {
                ReplaySummary.text(result, r.governor().state(), out);
            }
            out.flush();
        } catch (java.io.IOException e) {
            throw CommandFailure.runFailed(e.getMessage(), e); // the source failed for good: its URL, or file and line
        }
        return 0;
    }
}
