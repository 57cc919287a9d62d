package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.Converters;
import dev.sluice.store.DatabaseUrl;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice bench replay}: the same Jetstream history replayed in each mode while pgbench measures what the
 * database's foreground feels. JSON on stdout (or {@code --json FILE}), a Markdown table beside it.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay one simulated Jetstream history into PostgreSQL in modes fast, background and fixed "
                + "(the old tool's default profile, for --fixed-seconds), and COPY its final rows (limit), while "
                + "pgbench runs a fixed-rate foreground in the same database; foreground p50/p99 idle and during "
                + "each mode.",
                "Runs in a database it creates and drops on the --db server (the user needs CREATEDB); needs pgbench."})
public final class BenchReplayCommand implements Callable<Integer> {
    /** Measured: {@code SELECT 1} did not slow down while the replay tripled pgbench's p99; a commit does. */
    static final String CANARY = "UPDATE sluice_canary SET n = n + 1 WHERE id = 1";

    @Option(names = "--db", required = true, paramLabel = "postgresql://…", description = "The PostgreSQL server.")
    String db;

    @Option(names = "--quick", description = "200,000 events and a 10 s idle baseline: a few minutes.")
    boolean quick;

    @Option(names = "--events", paramLabel = "N", description = "Default: 1000000 (with --quick: 200000).")
    Long events;

    @Option(names = "--modes", paramLabel = "a,b", description = "Default: fast,background,fixed,limit.")
    String modes;

    @Option(names = "--fixed-seconds", paramLabel = "S", defaultValue = "30",
            description = "How long the fixed profile runs (it would take days). Default: ${DEFAULT-VALUE}.")
    int fixedSeconds;

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

    @Option(names = "--canary-sql", paramLabel = "SQL", defaultValue = CANARY,
            description = "The governor's foreground probe. Default: ${DEFAULT-VALUE} (a one-row write that commits, "
                    + "as pgbench's transactions do; the bench creates the table).")
    String canarySql;

    @Option(names = "--seed", defaultValue = "1", description = "The simulator's seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON here; the table then goes to stdout.")
    Path json;

    @Override
    public Integer call() throws Exception {
        DatabaseUrl url = Converters.databaseUrl(db);
        if (url.kind() != DatabaseUrl.Kind.POSTGRESQL) {
            throw new IllegalArgumentException("--db must be a PostgreSQL server (pgbench is the foreground), was "
                    + url);
        }
        List<String> modeList = modes == null ? ReplayBench.MODES : BenchArgs.csv(modes, "--modes");
        for (String m : modeList) {
            if (!ReplayBench.MODES.contains(m)) {
                throw new IllegalArgumentException("--modes must name fast, background, fixed or limit; '" + m
                        + "' is none of them");
            }
        }
        long n = events != null ? events : quick ? 200_000 : 1_000_000;
        if (n < 1000) {
            throw new IllegalArgumentException("--events must be >= 1000, was " + n);
        }
        if (pgbenchRate <= 0 || pgbenchClients < 1 || pgbenchScale < 1 || fixedSeconds < 1) {
            throw new IllegalArgumentException("--pgbench-rate, --pgbench-clients, --pgbench-scale and "
                    + "--fixed-seconds must be positive");
        }
        int idle = idleSeconds != null ? idleSeconds : quick ? 10 : 30;
        ReplayBench.Plan plan = new ReplayBench.Plan(url, n, (int) Math.max(100, n / 20), fixedSeconds, idle,
                pgbenchRate, pgbenchClients, pgbenchScale, modeList, canarySql, seed);
        System.err.printf(Locale.ROOT, "bench replay: %,d events; pgbench %.0f tps × %d clients, scale %d; on %s%n",
                n, pgbenchRate, pgbenchClients, pgbenchScale, url);
        ReplayBench bench = new ReplayBench(plan);
        List<ReplayBench.Run> runs = bench.run(line -> System.err.println("  " + line));
        BenchArgs.publish(json(plan, bench.idle(), runs), markdown(bench.idle(), runs), json, System.err);
        return runs.stream().anyMatch(r -> r.failure() != null) ? 1 : 0;
    }

    static ObjectNode json(ReplayBench.Plan plan, ReplayBench.Idle idle, List<ReplayBench.Run> runs) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("bench", "replay");
        o.set("machine", MachineInfo.current().toJson());
        ObjectNode cfg = o.putObject("config");
        cfg.put("events", plan.events());
        cfg.put("dids", plan.dids());
        cfg.put("fixed_seconds", plan.fixedSeconds());
        cfg.put("pgbench_rate", plan.pgbenchRate());
        cfg.put("pgbench_clients", plan.pgbenchClients());
        cfg.put("pgbench_scale", plan.pgbenchScale());
        cfg.put("canary_sql", plan.canarySql());
        ObjectNode i = o.putObject("idle");
        i.put("foreground_p50_ms", idle.p50Ms());
        i.put("foreground_p99_ms", idle.p99Ms());
        i.put("foreground_transactions", idle.transactions());
        ArrayNode list = o.putArray("runs");
        for (ReplayBench.Run r : runs) {
            ObjectNode j = list.addObject();
            j.put("mode", r.mode());
            j.put("events", r.events());
            j.put("seconds", r.seconds());
            j.put("events_per_s", r.eventsPerS());
            number(j, "limit_ratio", r.limitRatio());
            number(j, "foreground_p50_ms", r.foregroundP50Ms());
            number(j, "foreground_p99_ms", r.foregroundP99Ms());
            number(j, "foreground_p99_ratio", r.foregroundP99Ratio());
            j.put("foreground_transactions", r.foregroundTransactions());
            j.put("peak_rss_mb", r.peakRssMb());
            j.put("governor", r.governor());
            if (r.failure() != null) {
                j.put("failure", r.failure());
            }
        }
        return o;
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }

    static String markdown(ReplayBench.Idle idle, List<ReplayBench.Run> runs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Idle foreground: p50 %.2f ms, p99 %.2f ms (%,d transactions)%n%n",
                idle.p50Ms(), idle.p99Ms(), idle.transactions()));
        sb.append("| mode | events | seconds | events/s | ÷ limit | fg p50 ms | fg p99 ms | p99 ÷ idle | peak RSS MB |\n");
        sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (ReplayBench.Run r : runs) {
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %,.0f | %s | %.2f | %.2f | %.2f | %.0f |%n",
                    r.mode(), r.events(), r.seconds(), r.eventsPerS(),
                    Double.isFinite(r.limitRatio()) ? String.format(Locale.ROOT, "%.2f", r.limitRatio()) : "–",
                    r.foregroundP50Ms(), r.foregroundP99Ms(), r.foregroundP99Ratio(), r.peakRssMb()));
        }
        return sb.toString();
    }
}
