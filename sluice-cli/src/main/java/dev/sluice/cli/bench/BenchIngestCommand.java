package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.server.ServerConfig;
import dev.sluice.store.DatabaseUrl;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice bench ingest}: push ingest through the real server over loopback HTTP, against the original
 * system's one-transaction-per-item way and against the storage's bulk limit. JSON on stdout (or {@code --json
 * FILE}), a Markdown table beside it. Exits non-zero, naming the run, if any run did not store every item once.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Ingest the same items four ways and compare: 'sluice' (the server on 127.0.0.1, one "
                + "streamed NDJSON POST), 'per-item' (10 threads, one transaction per item) and 'limit' "
                + "(PostgreSQL COPY / one SQLite transaction of multi-row inserts; raw object-store puts for "
                + "offloaded payloads). 'http' sends sluice's request to a server that only reads it: the "
                + "transfer alone, the ceiling of any server on this machine.",
                "Scenarios: small (100,000 items of 300 bytes) and large (200 items of 1 MiB, offloaded).",
                "Server, client and database driver share this JVM: peak_rss_mb counts all of them."})
public final class BenchIngestCommand implements Callable<Integer> {
    static final List<String> ALL_SCENARIOS = List.of("small", "large");

    @Option(names = "--quick", description = "small 20,000 items, large 50 items: a few minutes at most.")
    boolean quick;

    @Option(names = "--db", paramLabel = "URL",
            description = "postgresql://user@host:port/db: each mode gets a new database on that server (created "
                    + "and dropped by the bench; the user needs CREATEDB). sqlite:PATH: new files beside PATH. "
                    + "Default: new SQLite files in a temp directory.")
    String db;

    @Option(names = "--scenarios", paramLabel = "small,large", description = "Default: small,large.")
    String scenarios;

    @Option(names = "--modes", paramLabel = "a,b", description = "Modes to run: limit, http, sluice, per-item. "
            + "Default: all four (limit_ratio needs limit).")
    String modes;

    @Option(names = "--small-items", paramLabel = "N", description = "Default: 100000 (with --quick: 20000).")
    Integer smallItems;

    @Option(names = "--small-bytes", paramLabel = "B", description = "Payload bytes of a small item. "
            + "Default: ${DEFAULT-VALUE}.", defaultValue = "300")
    int smallBytes;

    @Option(names = "--large-items", paramLabel = "N", description = "Default: 200 (with --quick: 50).")
    Integer largeItems;

    @Option(names = "--large-bytes", paramLabel = "B", description = "Payload bytes of a large item; must be above "
            + "the server's offload threshold (524288). Default: ${DEFAULT-VALUE} (1 MiB).", defaultValue = "1048576")
    int largeBytes;

    @Option(names = "--no-warmup", description = "Skip the unmeasured run of each mode on a small slice first.")
    boolean noWarmup;

    @Option(names = "--seed", description = "Seed of the payloads' filler. Default: ${DEFAULT-VALUE}.",
            defaultValue = "7")
    long seed;

    @Option(names = "--repeat", paramLabel = "N", description = "Measure each mode N times, the modes taking turns, and"
            + " report each one's median: on a noisy machine, the way to judge the targets. Default: ${DEFAULT-VALUE}.",
            defaultValue = "1")
    int repeat;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON here; the table then goes to stdout.")
    Path json;

    /** Held so the level sticks: JUL keeps loggers weakly. */
    private static final java.util.logging.Logger HELIDON = java.util.logging.Logger.getLogger("io.helidon");

    @Override
    public Integer call() throws Exception {
        IngestBench.Plan plan = plan();
        // A server starts and stops for every run; its INFO lines would bury the table.
        HELIDON.setLevel(java.util.logging.Level.WARNING);
        BenchDatabases.checkServer(plan.db() == null ? DatabaseUrl.sqlite(Path.of("unused.db")) : plan.db());
        String dbLabel = plan.db() == null ? "sqlite (a new file per mode in a temp directory)"
                : plan.kind() == DatabaseUrl.Kind.SQLITE ? "sqlite (a new file per mode beside " + plan.db().file().orElseThrow() + ")"
                : "postgresql (a new database per mode on " + plan.db() + ")";
        PrintStream err = System.err;
        err.printf(Locale.ROOT, "bench ingest: %s; %s%n", String.join(", ", plan.scenarios().stream()
                .map(s -> String.format(Locale.ROOT, "%s %,d × %,d B", s.name(), s.items(), s.payloadBytes()))
                .toList()), dbLabel);
        IngestBench bench = new IngestBench(plan, r -> err.printf(Locale.ROOT,
                "  %-6s %-9s %8.2f s  %10.0f items/s  %8.1f MB/s  ratio %5s  rss %5.0f MB  %s%n", r.scenario(),
                r.mode(), r.seconds(), r.itemsPerSecond(), r.mbPerSecond(),
                Double.isNaN(r.limitRatio()) ? "–" : String.format(Locale.ROOT, "%.2f", r.limitRatio()),
                r.peakRssMb(), r.complete() ? "complete" : "INCOMPLETE: " + r.failure()));
        List<IngestRun> runs = bench.run();

        ObjectNode report = IngestReport.json(MachineInfo.current(), plan, bench.serverConfig(), dbLabel, runs);
        BenchArgs.publish(report, IngestReport.markdown(runs), json, err);
        List<IngestRun> failed = runs.stream().filter(r -> !r.complete()).toList();
        for (IngestRun r : failed) {
            err.println("sluice: run " + r.name() + " is incomplete: " + r.failure());
        }
        return failed.isEmpty() ? 0 : 1;
    }

    /** The flags as a validated plan; every message names its flag. */
    IngestBench.Plan plan() {
        List<String> names = scenarios == null ? ALL_SCENARIOS : BenchArgs.csv(scenarios, "--scenarios");
        List<String> modeList = modes == null ? IngestBench.MODES : BenchArgs.csv(modes, "--modes");
        for (String m : modeList) {
            if (!IngestBench.MODES.contains(m)) {
                throw new IllegalArgumentException("--modes must name limit, http, sluice or per-item; '" + m
                        + "' is none of them");
            }
        }
        for (String n : names) {
            if (!ALL_SCENARIOS.contains(n)) {
                throw new IllegalArgumentException("--scenarios must name small or large; '" + n + "' is neither");
            }
        }
        int small = smallItems != null ? smallItems : quick ? 20_000 : 100_000;
        int large = largeItems != null ? largeItems : quick ? 50 : 200;
        if (small < 1) {
            throw new IllegalArgumentException("--small-items must be >= 1, was " + small);
        }
        if (large < 1) {
            throw new IllegalArgumentException("--large-items must be >= 1, was " + large);
        }
        ServerConfig defaults = ServerConfig.builder().apiKeys(List.of(IngestBench.OWNER)).build();
        int threshold = defaults.offloadThresholdBytes();
        int maxItem = defaults.maxItemBytes();
        if (smallBytes < IngestPayloads.MIN_BYTES || smallBytes > threshold) {
            throw new IllegalArgumentException("--small-bytes must be in " + IngestPayloads.MIN_BYTES + ".." + threshold
                    + " (inline), was " + smallBytes);
        }
        if (largeBytes <= threshold || largeBytes > maxItem - 64) {
            throw new IllegalArgumentException("--large-bytes must be above the offload threshold " + threshold
                    + " and at most " + (maxItem - 64) + ", was " + largeBytes);
        }
        DatabaseUrl url = null;
        if (db != null) {
            try {
                url = DatabaseUrl.parse(db);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--db: " + e.getMessage());
            }
        }
        List<IngestBench.Scenario> list = new ArrayList<>();
        for (String n : names) {
            list.add(n.equals("small") ? new IngestBench.Scenario("small", small, smallBytes, false)
                    : new IngestBench.Scenario("large", large, largeBytes, true));
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be >= 1, was " + repeat);
        }
        return new IngestBench.Plan(list, modeList, url, !noWarmup, seed, repeat);
    }

}
