package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.sim.stripe.Profile;
import dev.sluice.sim.stripe.RandomShape;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice bench backfill}: every profile × planner against a fresh in-process simulator and a fresh SQLite
 * sink, each checked against the source by digest. JSON on stdout (or {@code --json FILE}), a Markdown table
 * beside it, and optionally an SVG of requests per second. Exits non-zero, naming the run, if any run is incomplete.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Backfill simulated Stripe accounts with each planner and compare time, requests and 429s "
                + "with the lower bound pages_min / rps.",
                "The simulator runs in this JVM: peak_heap_mb counts both."})
public final class BenchBackfillCommand implements Callable<Integer> {
    static final List<String> ALL_PLANNERS = List.of("adaptive", "fixed", "sequential");

    @Option(names = "--quick", description = "spikes and uniform (or the --shapes), 20,000 objects, adaptive and "
            + "fixed: under a minute (a few minutes with --shapes random:20).")
    boolean quick;

    @Option(names = "--profiles", paramLabel = "p1,p2|all",
            description = "Data profiles (uniform, recent, spikes, pileup, sparse-old) or all. Default: all "
                    + "(with --quick: spikes,uniform).")
    String profiles;

    @Option(names = "--shapes", paramLabel = "random:N",
            description = "N random accounts from the simulator's generator of mixtures (random:0 .. random:N-1 of "
                    + "--seed), each a panel; alone, they replace the default profiles.")
    String shapes;

    @Option(names = "--dataset", paramLabel = "FILE",
            description = "A simulator dataset file instead of generated data (one panel, named after the file).")
    Path dataset;

    @Option(names = "--objects", paramLabel = "N",
            description = "Objects over all resources. Default: 50000 (with --quick: 20000).")
    Integer objects;

    @Option(names = "--resources", split = ",", paramLabel = "a,b",
            description = "Resources. Default: ${DEFAULT-VALUE}.", defaultValue = "customers,charges,invoices")
    List<String> resources;

    @Option(names = "--rps", description = "The simulator's rate limit in requests/s. Default: ${DEFAULT-VALUE}.",
            defaultValue = "50")
    double rps;

    @Option(names = "--latency-ms", paramLabel = "L",
            description = "Simulated latency per request, varying by ±25%%. Default: ${DEFAULT-VALUE}.",
            defaultValue = "200")
    long latencyMs;

    @Option(names = "--planners", paramLabel = "a,b",
            description = "Planners to compare. Default: adaptive,fixed,sequential (with --quick: adaptive,fixed; "
                    + "sequential alone would take half a minute).")
    String planners;

    @Option(names = "--no-warmup",
            description = "Skip the small unmeasured backfill per planner that warms up the JVM before the runs.")
    boolean noWarmup;

    @Option(names = "--rps-unknown",
            description = "Tell the client twice the real rate; it must find the limit through 429s.")
    boolean rpsUnknown;

    @Option(names = "--seed", description = "Seed of the generated data. Default: ${DEFAULT-VALUE}.", defaultValue = "7")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON here; the table then goes to stdout.")
    Path json;

    @Option(names = "--plot", paramLabel = "FILE.svg", description = "Write requests/s over time as an SVG.")
    Path plot;

    @Override
    public Integer call() throws Exception {
        BackfillBench.Scenario scenario = scenario();
        PrintStream err = System.err;
        err.printf(Locale.ROOT, "bench backfill: %d run(s), %s, %s rps%s, %d ms latency%n",
                scenario.profileLabels().size() * scenario.planners().size(),
                scenario.dataset() != null ? "dataset " + scenario.dataset() : scenario.objects() + " objects",
                num(scenario.rps()), scenario.rpsUnknown() ? " (client told " + num(scenario.clientRps()) + ")" : "",
                scenario.latencyMs());
        List<BenchRun> runs = new BackfillBench(scenario, r -> err.printf(Locale.ROOT,
                "  %-12s %-10s %6.1f s  %5d requests (%.3f x pages_min, %d empty, %d partial, %d segments)  "
                        + "%d 429s  efficiency %.3f  %s%n", r.profile(), r.planner(), r.seconds(), r.requests(),
                r.requestRatio(), r.wastedRequests(), r.partialPages(), r.segments(), r.http429(), r.efficiency(),
                r.complete() ? "complete" : "INCOMPLETE")).run();

        ObjectNode report = BenchReport.json(MachineInfo.current(), scenario, runs);
        BenchArgs.publish(report, BenchReport.markdown(runs) + "\n" + BenchReport.summaryMarkdown(runs), json, err);
        if (plot != null) {
            String title = String.format(Locale.ROOT, "sluice bench backfill: requests/s, %s, limit %s rps%s, %d ms",
                    scenario.dataset() != null ? "dataset" : scenario.objects() + " objects", num(scenario.rps()),
                    scenario.rpsUnknown() ? " (client told " + num(scenario.clientRps()) + ")" : "",
                    scenario.latencyMs());
            BenchArgs.write(plot, SvgPlot.render(runs, scenario.rps(), title), "--plot");
        }
        List<BenchRun> failed = runs.stream().filter(r -> !r.complete()).toList();
        for (BenchRun r : failed) {
            err.println("sluice: run " + r.name() + " is incomplete: " + r.failure());
        }
        return failed.isEmpty() ? 0 : 1;
    }

    /** The flags as a validated scenario; every message names its flag. */
    BackfillBench.Scenario scenario() {
        List<Profile> profileList;
        if (dataset != null) {
            if (profiles != null) {
                throw new IllegalArgumentException("--profiles and --dataset exclude each other (a dataset fixes the data)");
            }
            if (!Files.isRegularFile(dataset)) {
                throw new IllegalArgumentException("--dataset: no such file " + dataset);
            }
            profileList = List.of();
        } else if (profiles == null) {
            profileList = shapes != null ? List.of()
                    : quick ? List.of(Profile.SPIKES, Profile.UNIFORM) : List.of(Profile.values());
        } else if (profiles.trim().equals("all")) {
            profileList = List.of(Profile.values());
        } else {
            profileList = BenchArgs.csv(profiles, "--profiles").stream().map(p -> {
                try {
                    return Profile.parse(p);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--profiles must name uniform, recent, spikes, pileup, "
                            + "sparse-old or all; '" + p + "' is none of them");
                }
            }).distinct().toList();
        }
        List<String> plannerList = planners != null ? BenchArgs.csv(planners, "--planners")
                : quick ? List.of("adaptive", "fixed") : ALL_PLANNERS;
        for (String p : plannerList) {
            if (!ALL_PLANNERS.contains(p)) {
                throw new IllegalArgumentException("--planners must name adaptive, fixed or sequential; '" + p
                        + "' is none of them");
            }
        }
        int objectCount = objects != null ? objects : quick ? 20_000 : 50_000;
        if (objectCount < 1) {
            throw new IllegalArgumentException("--objects must be >= 1, was " + objectCount);
        }
        if (!(rps > 0) || Double.isInfinite(rps)) {
            throw new IllegalArgumentException("--rps must be a positive number, was " + num(rps));
        }
        if (latencyMs < 0) {
            throw new IllegalArgumentException("--latency-ms must be >= 0, was " + latencyMs);
        }
        List<String> resourceList = resources.stream().map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        if (resourceList.isEmpty()) {
            throw new IllegalArgumentException("--resources must name at least one resource");
        }
        List<RandomShape> shapeList = List.of();
        if (shapes != null) {
            if (dataset != null) {
                throw new IllegalArgumentException("--shapes and --dataset exclude each other (a dataset fixes the data)");
            }
            shapeList = RandomShape.first(shapeCount(shapes));
        }
        return new BackfillBench.Scenario(profileList, shapeList, dataset, objectCount, resourceList, rps, latencyMs,
                plannerList, rpsUnknown, seed, !noWarmup);
    }

    /** N of {@code random:N}, 1..1000. */
    static int shapeCount(String value) {
        String v = value.trim();
        try {
            if (v.startsWith("random:")) {
                int n = Integer.parseInt(v.substring("random:".length()));
                if (n >= 1 && n <= 1000) {
                    return n;
                }
            }
        } catch (NumberFormatException ignored) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("--shapes must be random:N with N in 1..1000, was '" + value + "'");
    }

    private static String num(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
