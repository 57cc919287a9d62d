package dev.sluice.cli.bench;

import dev.sluice.cli.Converters;
import dev.sluice.cli.replay.CpuPriority;
import dev.sluice.replay.govern.Mode;
import dev.sluice.store.DatabaseUrl;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice bench replay}: the same Jetstream history replayed in each mode while pgbench measures what the
 * database's foreground feels ({@link ReplayBench}). JSON on stdout (or {@code --json FILE}), a Markdown table
 * beside it ({@link ReplayReport}).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay one simulated Jetstream history into PostgreSQL in modes fast, background and balanced "
                + "(and fixed, the old tool's profile, if named), each replay in a process of its own, while pgbench "
                + "runs a fixed-rate foreground in the same database. Measures the bound (the source alone, the sink "
                + "alone, COPY, each with its CPU time); fast to its end; a paced mode in pairs of windows, running "
                + "then paused, beside its CPU twin; then checks the tables against the history.",
                "Runs in a database it creates and drops on the --db server (the user needs CREATEDB); needs pgbench,"
                        + " and Linux's /proc for CPU and memory figures."})
public final class BenchReplayCommand implements Callable<Integer> {
    @Option(names = "--db", required = true, paramLabel = "postgresql://…", description = "The PostgreSQL server.",
            converter = Converters.DatabaseUrlConverter.class)
    DatabaseUrl db;

    @Option(names = "--quick", description = "500,000 events, 3 pairs of windows and a 10 s idle baseline: "
            + "within 15 minutes.")
    boolean quick;

    @Option(names = "--events", paramLabel = "N", description = "Default: 1000000 (with --quick: 500000). Enough that "
            + "a paced mode applies events through every running window.")
    Long events;

    @Option(names = "--modes", paramLabel = "a,b", description = "Default: fast,background,balanced,limit "
            + "(fixed: the old tool's profile).")
    String modes;

    @Option(names = "--pairs", paramLabel = "N", description = "Pairs of windows (running, paused) per paced mode and "
            + "per twin. Default: 5 (with --quick: 3).")
    Integer pairs;

    @Option(names = "--window-seconds", paramLabel = "S", defaultValue = "10",
            description = "Length of each window. Default: ${DEFAULT-VALUE}.")
    int windowSeconds;

    @Option(names = "--pgbench-rate", paramLabel = "TPS", defaultValue = "200",
            description = "Foreground transactions/s (pgbench -R). Default: ${DEFAULT-VALUE}.")
    double pgbenchRate;

    @Option(names = "--pgbench-clients", paramLabel = "N", defaultValue = "4",
            description = "Foreground connections (pgbench -c). Default: ${DEFAULT-VALUE}.")
    int pgbenchClients;

    @Option(names = "--pgbench-scale", paramLabel = "S", defaultValue = "10",
            description = "pgbench -i scale (S × 100,000 accounts). Default: ${DEFAULT-VALUE}.")
    int pgbenchScale;

    @Option(names = "--idle-seconds", paramLabel = "S", description = "Idle foreground baseline. Default: 30 (with "
            + "--quick: 10).")
    Integer idleSeconds;

    @Option(names = "--canary-sql", paramLabel = "SQL",
            description = "The governor's foreground probe, passed to every replay. Default: the replay's own (a "
                    + "one-row write and a read).")
    String canarySql;

    @Option(names = "--cpu-priority", paramLabel = "idle|normal",
            description = "Passed to every replay. Default: each mode's own (idle for background).")
    String cpuPriority;

    @Option(names = "--replay-java-opts", paramLabel = "OPTS",
            description = "JVM options of the replay processes, e.g. \"-Xmx384m\". Default: none (the JVM's own).")
    String replayJavaOpts;

    @Option(names = "--seed", defaultValue = "1", description = "The simulator's seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON here; the table then goes to stdout.")
    Path json;

    @Override
    public Integer call() throws Exception {
        DatabaseUrl url = db;
        if (url.kind() != DatabaseUrl.Kind.POSTGRESQL) {
            throw new IllegalArgumentException("--db must be a PostgreSQL server (pgbench is the foreground), was "
                    + url);
        }
        List<String> modeList = modes == null ? ReplayBench.DEFAULT_MODES : BenchArgs.csv(modes, "--modes");
        for (String m : modeList) {
            if (!ReplayBench.MODES.contains(m)) {
                throw new IllegalArgumentException("--modes must name fast, background, balanced, fixed or limit; '"
                        + m + "' is none of them");
            }
        }
        long n = events != null ? events : quick ? 500_000 : 1_000_000;
        if (n < 1000) {
            throw new IllegalArgumentException("--events must be >= 1000, was " + n);
        }
        int p = pairs != null ? pairs : quick ? 3 : 5;
        if (pgbenchRate <= 0 || pgbenchClients < 1 || pgbenchScale < 1 || p < 1 || windowSeconds < 1) {
            throw new IllegalArgumentException("--pgbench-rate, --pgbench-clients, --pgbench-scale, --pairs and "
                    + "--window-seconds must be positive");
        }
        if (cpuPriority != null) {
            CpuPriority.of(cpuPriority, Mode.FAST); // checks the value
        }
        int idle = idleSeconds != null ? idleSeconds : quick ? 10 : 30;
        List<String> jvm = replayJavaOpts == null || replayJavaOpts.isBlank() ? List.of()
                : List.of(replayJavaOpts.strip().split("\\s+"));
        ReplayBench.Plan plan = new ReplayBench.Plan(url, n, (int) Math.max(100, n / 20), idle, pgbenchRate,
                pgbenchClients, pgbenchScale, modeList, canarySql, seed, p, windowSeconds, jvm, cpuPriority);
        BenchDatabases.checkServer(url);
        System.err.printf(Locale.ROOT, "bench replay: %,d events; pgbench %.0f tps × %d clients, scale %d; %d pairs of"
                + " %d s windows; on %s%n", n, pgbenchRate, pgbenchClients, pgbenchScale, p, windowSeconds, url);
        ReplayBench bench = new ReplayBench(plan);
        List<ReplayBench.Run> runs = bench.run(line -> System.err.println("  " + line));
        BenchArgs.publish(ReplayReport.json(plan, bench.idle(), bench.bound(), runs),
                ReplayReport.markdown(bench.idle(), bench.bound(), runs), json, System.err);
        return runs.stream().anyMatch(r -> r.failure() != null) ? 1 : 0;
    }
}
