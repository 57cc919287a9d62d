package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.IdlePriority;
import dev.sluice.cli.replay.CpuPriority;
import dev.sluice.replay.Event;
import dev.sluice.replay.govern.Mode;
import dev.sluice.sim.jetstream.JetstreamSimConfig;
import dev.sluice.sim.jetstream.JetstreamSimulator;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.ReplayTables;
import dev.sluice.store.TableDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code sluice bench replay}: one Jetstream history replayed into PostgreSQL in each mode, every replay in a process
 * of its own as a user runs it, beside a fixed-rate pgbench foreground in the same database.
 *
 * <p>The history is served by {@code sluice sim jetstream --prerender} in another process (its frames made once, so
 * serving costs little; its CPU share is reported). Before the modes, the <b>bound</b>: the source alone (read and
 * decode, discard), the sink alone (the engine applying the history from memory) and a {@code COPY} of the rows it
 * folds to, each in a process of its own with its CPU time, give the most {@code fast} can do on this machine's
 * cores (see {@link Bound}). {@code fast} then runs to the end under the foreground. A paced mode ({@code background},
 * {@code balanced}, {@code fixed}) is measured in pairs of windows, running then paused ({@link PairedWindows}), and
 * so is its <b>CPU twin</b> ({@link CpuTwin}: the same CPU per second, at the same priorities, doing nothing else);
 * the replay is then stopped as by Ctrl-C and finished by a {@code fast} run of the same job. After {@code fast} and
 * after each finish, the tables' digest must equal the fold of the history.
 *
 * <p>Everything runs in a database the bench creates and drops.
 *
 * <p>Why about 400 lines: this is the bench's script, its steps in the order they run; each measurement lives in a
 * class of its own ({@link Bound}, {@link PairedWindows}, {@link CpuTwin}).
 */
final class ReplayBench {
    static final List<String> MODES = List.of("fast", "background", "balanced", "fixed", "limit");
    static final List<String> DEFAULT_MODES = List.of("fast", "background", "balanced", "limit");
    static final String JOB = "bench";
    static final int HOURS = 24;

    /**
     * @param replayJvm     JVM options of every replay process (none: the JVM's defaults, as {@code ./sluice} has)
     * @param cpuPriority   {@code --cpu-priority} for every replay, or null for each mode's default
     */
    record Plan(DatabaseUrl server, long events, int dids, int idleSeconds, double pgbenchRate, int pgbenchClients,
                int pgbenchScale, List<String> modes, String canarySql, long seed, int pairs, int windowSeconds,
                List<String> replayJvm, String cpuPriority) {}

    /** One part of the bound: events, seconds, and the CPU seconds of its process and of its database backends. */
    record Part(long events, double seconds, double cpuSeconds, double dbCpuSeconds) {
        double eventsPerS() {
            return events / seconds;
        }

        /** CPU seconds per event, process and backends. */
        double cpuPerEvent() {
            return (cpuSeconds + dbCpuSeconds) / events;
        }
    }

    /**
     * The most {@code fast} can do here: no faster than the source alone, nor than the sink alone, nor than the
     * machine's cores can pay for both plus the history server at their measured CPU per event.
     */
    record Bound(Part source, double serverCpuSeconds, Part sink, Part copy, int cores) {
        double eventsPerS() {
            double cpuPerEvent = source.cpuPerEvent() + serverCpuSeconds / source.events() + sink.cpuPerEvent();
            return Math.min(Math.min(source.eventsPerS(), sink.eventsPerS()), cores / cpuPerEvent);
        }
    }

    /** A paced mode's pairs of windows, and its twin's. */
    record Paced(PairedWindows.Result replay, PairedWindows.Result twin, double twinOwnCores, double twinDbCores) {}

    /**
     * One mode.
     *
     * @param cpuCores        cores the replay process and its backends used, on average over the run (paced: over the
     *                        running windows)
     * @param serverCpuShare  the history server's CPU over the same time, as a share of the machine's cores
     */
    record Run(String mode, long events, double seconds, double eventsPerS, double boundRatio, double limitRatio,
               double foregroundP50Ms, double foregroundP99Ms, double foregroundP99Ratio,
               long foregroundTransactions, double peakRssMb, double cpuCores, double cpuMsPer1kEvents,
               double serverCpuShare, String cpuPriority, String governor, Paced paced, String failure) {}

    record Idle(double p50Ms, double p99Ms, long transactions) {}

    private final Plan plan;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private Idle idle;
    private Bound bound;
    private TableDigest.Digest expected;

    ReplayBench(Plan plan) {
        this.plan = plan;
    }

    Idle idle() {
        return idle;
    }

    Bound bound() {
        return bound;
    }

    List<Run> run(Consumer<String> log) throws Exception {
        DatabaseUrl db = BenchDatabases.create(plan.server(), "sluice_bench_replay");
        Path dir = Files.createTempDirectory("sluice-bench-replay");
        long startUs = System.currentTimeMillis() * 1000;
        JetstreamSimConfig simConfig = JetstreamSimConfig.builder().port(0).events(plan.events()).hours(HOURS)
                .retention(Duration.ofHours(2 * HOURS)).dids(plan.dids()).seed(plan.seed()).rate(1000)
                .startUs(startUs).build();
        List<Run> runs = new ArrayList<>();
        log.accept("history server: " + plan.events() + " events, pre-rendered, in its own process");
        try (ChildJvm server = ChildJvm.start(dir, "history", List.of(), "dev.sluice.cli.Main", List.of("sim",
                "jetstream", "--port", "0", "--events", Long.toString(plan.events()), "--hours",
                Integer.toString(HOURS), "--retention", (2 * HOURS) + "h", "--dids", Integer.toString(plan.dids()),
                "--seed", Long.toString(plan.seed()), "--rate", "1000", "--start-us", Long.toString(startUs),
                "--prerender"), Map.of(), false);
             JetstreamSimulator history = JetstreamSimulator.start(simConfig)) {
            String line = server.awaitLine("Jetstream simulator listening on ", Duration.ofMinutes(10));
            String url = line.substring("Jetstream simulator listening on ".length()).split(";")[0].strip();
            History h = new History(history, plan.events(), url, server.pid());
            PgbenchLoad foreground = new PgbenchLoad(db, plan.pgbenchRate(), plan.pgbenchClients(), dir);
            log.accept("pgbench -i -s " + plan.pgbenchScale());
            foreground.initialise(plan.pgbenchScale());
            resetTables(db);
            PgbenchLoad.Latencies quiet = foreground.idle(plan.idleSeconds());
            idle = new Idle(quiet.percentileMs(50), quiet.percentileMs(99), quiet.count());
            log.accept(String.format(Locale.ROOT, "idle foreground: p50 %.2f ms, p99 %.2f ms (%d tx)",
                    idle.p50Ms(), idle.p99Ms(), idle.transactions()));
            bound = measureBound(db, dir, h, simConfig, log);
            for (String mode : plan.modes()) {
                resetTables(db);
                Run r = switch (mode) {
                    case "limit" -> limit();
                    case "fast" -> fast(db, dir, h, foreground, log);
                    default -> paced(mode, db, dir, h, foreground, log);
                };
                log.accept(String.format(Locale.ROOT, "%-10s %,9d events %7.1f s %9.0f ev/s (÷bound %.2f)  "
                                + "%.2f cores, %.1f CPU ms/1k events  rss %.0f MB  %s%s", r.mode(), r.events(),
                        r.seconds(), r.eventsPerS(), r.eventsPerS() / bound.eventsPerS(), r.cpuCores(), r.cpuMsPer1kEvents(),
                        r.peakRssMb(), r.governor(), r.failure() == null ? "" : "  FAILED: " + r.failure()));
                runs.add(r);
            }
        } finally {
            BenchDatabases.drop(plan.server(), db);
            deleteQuietly(dir);
        }
        double limit = bound.copy().eventsPerS();
        return runs.stream().map(r -> new Run(r.mode(), r.events(), r.seconds(), r.eventsPerS(),
                r.eventsPerS() / bound.eventsPerS(), r.eventsPerS() / limit, r.foregroundP50Ms(), r.foregroundP99Ms(),
                r.foregroundP99Ratio(), r.foregroundTransactions(), r.peakRssMb(), r.cpuCores(), r.cpuMsPer1kEvents(),
                r.serverCpuShare(), r.cpuPriority(), r.governor(), r.paced(), r.failure())).toList();
    }

    /** The history as the bench sees it: the events, where they start and end, and the server serving them. */
    private record History(JetstreamSimulator sim, long events, String url, long serverPid) {
        long fromUs() {
            return sim.timeUs(0);
        }

        /** Just past the last event: every replay stops there. */
        long untilUs() {
            return sim.timeUs(events - 1) + 1;
        }

        long indexOf(long checkpointUs) {
            return Math.min(events, sim.index(checkpointUs));
        }

        Iterable<Event> all() {
            return () -> new Iterator<>() {
                long i;

                @Override
                public boolean hasNext() {
                    return i < events;
                }

                @Override
                public Event next() {
                    return sim.event(i++);
                }
            };
        }
    }

    private Bound measureBound(DatabaseUrl db, Path dir, History h, JetstreamSimConfig sim, Consumer<String> log)
            throws Exception {
        long serverBefore = ProcStat.cpuNanos(h.serverPid());
        Part source = part(dir, "source", List.of(h.url(), Long.toString(h.fromUs()), Long.toString(h.untilUs())));
        double serverCpu = (ProcStat.cpuNanos(h.serverPid()) - serverBefore) / 1e9;
        log.accept(describe("source alone", source) + String.format(Locale.ROOT, ", server %.1f CPU s", serverCpu));
        List<String> history = List.of(BenchDatabases.forChild(db), Long.toString(plan.events()), Integer.toString(HOURS),
                Integer.toString(plan.dids()), Long.toString(plan.seed()), Long.toString(sim.startUs().getAsLong()));
        resetTables(db);
        Part sink = part(dir, "sink", history);
        log.accept(describe("sink alone", sink));
        resetTables(db);
        Part copy = part(dir, "copy", history);
        log.accept(describe("COPY", copy));
        Bound b = new Bound(source, serverCpu, sink, copy, cores);
        log.accept(String.format(Locale.ROOT, "bound: %,.0f events/s on %d cores", b.eventsPerS(), cores));
        return b;
    }

    private static String describe(String what, Part p) {
        return String.format(Locale.ROOT, "%s: %,.0f events/s, %.1f CPU s + %.1f in the database for %,d events",
                what, p.eventsPerS(), p.cpuSeconds(), p.dbCpuSeconds(), p.events());
    }

    private Part part(Path dir, String name, List<String> args) throws Exception {
        List<String> all = new ArrayList<>(List.of(name));
        all.addAll(args);
        // The JVM's own options, not --replay-java-opts: the sink's part holds the whole history in memory.
        try (ChildJvm jvm = ChildJvm.start(dir, "part-" + name, List.of(), BoundPart.class.getName(), all,
                Map.of(), false)) {
            int code = jvm.await(Duration.ofMinutes(20));
            String out = jvm.stdout().strip();
            if (code != 0 || out.isEmpty()) {
                throw new IllegalStateException("the bound's " + name + " part failed (exit " + code + "): "
                        + jvm.stderrTail());
            }
            JsonNode j = new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
            return new Part(j.path("events").asLong(), j.path("seconds").asDouble(), j.path("cpu_seconds").asDouble(),
                    j.path("db_cpu_seconds").asDouble());
        }
    }

    private Run limit() {
        Part c = bound.copy();
        return new Run("limit", c.events(), c.seconds(), c.eventsPerS(), Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, 0, 0, (c.cpuSeconds() + c.dbCpuSeconds()) / c.seconds(),
                c.cpuPerEvent() * 1e6, 0, "normal", "COPY", null, null);
    }

    private List<String> replayArgs(String mode, DatabaseUrl db, History h, boolean restart, CpuPriority priority) {
        List<String> args = new ArrayList<>(List.of("--url", h.url(), "--db", BenchDatabases.forChild(db), "--cursor",
                Long.toString(h.fromUs()), "--until", Long.toString(h.untilUs()), "--job", JOB, "--json", "--quiet",
                "--cpu-priority", priority.flagValue()));
        if (plan.canarySql() != null) {
            args.addAll(List.of("--canary-sql", plan.canarySql()));
        }
        args.addAll(mode.equals("fixed") ? List.of("--throttle", "fixed") : List.of("--mode", mode));
        if (restart) {
            args.add("--restart");
        }
        return args;
    }

    private CpuPriority priority(String mode) {
        Mode m = mode.equals("fixed") ? Mode.FIXED : Mode.parse(mode);
        return CpuPriority.of(plan.cpuPriority(), m);
    }

    private ReplayProcess startReplay(String name, String mode, DatabaseUrl db, Path dir, History h, boolean restart)
            throws Exception {
        CpuPriority p = priority(mode);
        List<String> args = replayArgs(mode, db, h, restart, p);
        // It relaunches itself at idle priority, or to bound its heap when its JVM options give none.
        boolean relaunches = p == CpuPriority.IDLE ? IdlePriority.unsupported() == null
                : !IdlePriority.heapSizedBy(plan.replayJvm()) && System.getProperty("os.name", "").contains("Linux");
        return ReplayProcess.start(dir, name, plan.replayJvm(), args, relaunches, db, h::indexOf, h.serverPid());
    }

    private Run fast(DatabaseUrl db, Path dir, History h, PgbenchLoad foreground, Consumer<String> log)
            throws Exception {
        ReplayProcess p = startReplay("replay-fast", "fast", db, dir, h, true);
        try (p) {
            JsonNode[] summary = new JsonNode[1];
            PgbenchLoad.Latencies during = foreground.measure(() -> summary[0] = p.await(Duration.ofMinutes(60)));
            JsonNode s = summary[0];
            long received = s.path("received").asLong();
            double seconds = s.path("seconds").asDouble();
            String failure = received == plan.events() ? verify(db, h)
                    : "received " + received + " of " + plan.events() + " events";
            double cpu = p.cpuSeconds() + p.backendCpuSeconds();
            double wall = p.wallSeconds();
            double p99 = during.percentileMs(99);
            return new Run("fast", received, seconds, received / seconds, Double.NaN, Double.NaN,
                    during.percentileMs(50), p99, p99 / idle.p99Ms(), during.count(), p.peakRssMb(), cpu / wall,
                    cpu / received * 1e6, p.serverCpuSeconds() / wall / cores, priority("fast").flagValue(),
                    governor(s), null, failure);
        }
    }

    private Run paced(String mode, DatabaseUrl db, Path dir, History h, PgbenchLoad foreground, Consumer<String> log)
            throws Exception {
        PairedWindows.Result replay;
        double peakRss;
        double serverShare;
        JsonNode stopped;
        try (ReplayProcess p = startReplay("replay-" + mode, mode, db, dir, h, true)) {
            try {
                p.awaitFirstCommit(Duration.ofMinutes(5));
            } catch (IllegalStateException starved) {
                // At idle priority on a machine with no idle CPU, nothing is committed: a finding, not a crash.
                log.accept(mode + ": " + starved.getMessage());
                return new Run(mode, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0,
                        p.peakRssMb(), Double.NaN, Double.NaN, Double.NaN, priority(mode).flagValue(), "–", null,
                        "committed nothing within 5 minutes (" + priority(mode).flagValue() + " priority)");
            }
            double serverBefore = p.serverCpuSeconds();
            long started = System.nanoTime();
            log.accept(mode + ": " + plan.pairs() + " pairs of " + plan.windowSeconds() + " s windows");
            replay = PairedWindows.measure(p, foreground, plan.pairs(), plan.windowSeconds(), log);
            serverShare = (p.serverCpuSeconds() - serverBefore) / ((System.nanoTime() - started) / 1e9) / cores;
            stopped = p.finished() ? p.await(Duration.ofSeconds(60)) : p.terminate();
            peakRss = p.peakRssMb();
        }
        PairedWindows.Result twin = twin(mode, replay, db, dir, foreground, log);
        String failure = finish(db, dir, h, log);
        double seconds = replay.windows().stream().filter(PairedWindows.Window::running)
                .mapToDouble(PairedWindows.Window::seconds).sum();
        long events = replay.runningEvents();
        double cores = replay.ownCores() + replay.backendCores();
        double cpuMs = events == 0 ? Double.NaN : cores * seconds / events * 1e6;
        if (!replay.complete() && failure == null) {
            failure = "the history ran out after " + replay.windows().size() / 2 + " of " + plan.pairs()
                    + " pairs: give --events more";
        }
        List<PairedWindows.Window> running = replay.windows().stream().filter(PairedWindows.Window::running)
                .toList();
        return new Run(mode, events, seconds, replay.eventsPerRunningSecond(), Double.NaN, Double.NaN,
                PairedWindows.median(running.stream().map(PairedWindows.Window::p50Ms).toList()),
                PairedWindows.median(running.stream().map(PairedWindows.Window::p99Ms).toList()),
                replay.p99RatioMedian(), running.stream().mapToLong(PairedWindows.Window::transactions).sum(),
                peakRss, cores, cpuMs, serverShare, priority(mode).flagValue(), governor(stopped),
                new Paced(replay, twin, replay.ownCores(), replay.backendCores()), failure);
    }

    /** The CPU twin of a paced mode, measured as the replay was. */
    private PairedWindows.Result twin(String mode, PairedWindows.Result replay, DatabaseUrl db, Path dir,
                                      PgbenchLoad foreground, Consumer<String> log) throws Exception {
        boolean idleTwin = priority(mode) == CpuPriority.IDLE && IdlePriority.unsupported() == null;
        log.accept(String.format(Locale.ROOT, "%s twin: %.3f cores %s, %.3f in the database", mode,
                replay.ownCores(), idleTwin ? "at idle priority" : "at normal priority", replay.backendCores()));
        try (ChildJvm jvm = ChildJvm.start(dir, "twin-" + mode, List.of(), CpuTwin.class.getName(),
                List.of(Double.toString(replay.ownCores()), Double.toString(replay.backendCores()),
                        BenchDatabases.forChild(db)),
                Map.of(), idleTwin);
             PgBackends backends = new PgBackends(db, "sluice-twin")) {
            jvm.awaitLine("twin:", Duration.ofMinutes(5));
            PairedWindows.Subject subject = new TwinSubject(jvm, backends);
            return PairedWindows.measure(subject, foreground, plan.pairs(), plan.windowSeconds(), log);
        }
    }

    /** Finishes a stopped replay with a fast run of the same job; null when the tables then hold the history's fold. */
    private String finish(DatabaseUrl db, Path dir, History h, Consumer<String> log) throws Exception {
        try (ReplayProcess p = startReplay("finish", "fast", db, dir, h, false)) {
            JsonNode s = p.await(Duration.ofMinutes(60));
            if (!s.path("resumed").asBoolean()) {
                return "the finishing run did not resume from the stopped replay's checkpoint";
            }
            log.accept("  finished by fast from its checkpoint: " + s.path("received").asLong() + " events");
            return verify(db, h);
        }
    }

    /** Null when the replay tables hold exactly what the history folds to; else how they differ. */
    private String verify(DatabaseUrl db, History h) {
        if (expected == null) {
            expected = ReplayTables.expectedDigest(h.all());
        }
        try (Database d = Database.open(db)) {
            TableDigest.Digest stored = ReplayTables.digest(d);
            return stored.equals(expected) ? null : "the tables hold " + stored + ", the history folds to " + expected;
        }
    }

    private static String governor(JsonNode summary) {
        JsonNode g = summary.path("governor");
        return String.format(Locale.ROOT, "%s rate %s, concurrency %d, batch %d, breaches %d",
                g.path("mode").asText(), g.path("rate").isNumber() ? String.format(Locale.ROOT, "%.0f",
                        g.path("rate").asDouble()) : "∞", g.path("concurrency").asInt(), g.path("batch_size").asInt(),
                g.path("breaches").asLong());
    }

    private static void resetTables(DatabaseUrl db) throws Exception {
        try (Connection c = BenchDatabases.connect(db); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS records, record_tombstones, identities, accounts, replay_checkpoints");
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
