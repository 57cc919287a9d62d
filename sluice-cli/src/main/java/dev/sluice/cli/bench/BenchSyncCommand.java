package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.Converters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice bench sync}: a simulated account at a known rate limit, synced, then changed at a steady rate while
 * the copy follows by polling and by webhooks; reports lag (change → commit), requests per change and divergence.
 * JSON on stdout (or {@code --json FILE}), a Markdown table beside it. Exits 1 if a run diverged.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Follow a changing simulated Stripe account by polling events and by webhooks; report the lag "
                + "from each change to its commit, requests per change, and divergence from the source."})
public final class BenchSyncCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "20 s of changes, a 2 s poll interval and events lag: about a minute.")
    boolean quick;

    @Option(names = "--changes-per-second", paramLabel = "R", defaultValue = "10",
            description = "Changes a second to the account. Default: ${DEFAULT-VALUE}.")
    double changesPerSecond;

    @Option(names = "--seconds", paramLabel = "S",
            description = "How long the account changes in each mode. Default: 120 (with --quick: 20).")
    Integer seconds;

    @Option(names = "--poll-interval", paramLabel = "D", converter = Converters.DurationConverter.class,
            description = "The poll mode's --poll-interval. Default: 10s (with --quick: 2s).")
    Duration pollInterval;

    @Option(names = "--events-lag", paramLabel = "D", converter = Converters.DurationConverter.class,
            description = "The poll mode's --events-lag. Default: 30s, Stripe's (with --quick: 2s; the simulator "
                    + "lists an event within a second).")
    Duration eventsLag;

    @Option(names = "--objects", defaultValue = "3000", description = "Objects in the account. Default: ${DEFAULT-VALUE}.")
    int objects;

    @Option(names = "--rps", defaultValue = "25", description = "The account's rate limit. Default: ${DEFAULT-VALUE}.")
    double rps;

    @Option(names = "--modes", defaultValue = "poll,webhook", description = "Default: ${DEFAULT-VALUE}.")
    String modes;

    @Option(names = "--seed", defaultValue = "11", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON here; the table then goes to stdout.")
    Path json;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("sluice-bench-sync");
        SyncBench.Scenario s = new SyncBench.Scenario(objects, List.of("customers", "products"), rps,
                changesPerSecond, Duration.ofSeconds(seconds != null ? seconds : quick ? 20 : 120),
                pollInterval != null ? pollInterval : Duration.ofSeconds(quick ? 2 : 10),
                eventsLag != null ? eventsLag : Duration.ofSeconds(quick ? 2 : 30), seed, dir);
        List<SyncBench.Result> results = new ArrayList<>();
        for (String mode : BenchArgs.csv(modes, "--modes")) {
            if (!mode.equals("poll") && !mode.equals("webhook")) {
                throw new IllegalArgumentException("--modes: '" + mode + "' is not poll or webhook");
            }
            System.err.printf(Locale.ROOT, "bench sync: %s, %.0f changes/s for %d s…%n", mode, s.changesPerSecond(),
                    s.changeFor().toSeconds());
            results.add(SyncBench.run(mode, s));
        }
        BenchArgs.publish(json(s, results), table(s, results), json, System.err);
        return results.stream().allMatch(r -> r.diverged() == 0 && r.notApplied() == 0) ? 0 : 1;
    }

    private static ObjectNode json(SyncBench.Scenario s, List<SyncBench.Result> results) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("bench", "sync");
        o.set("machine", MachineInfo.current().toJson());
        o.putObject("params").put("objects", s.objects()).put("rps", s.rps())
                .put("changes_per_second", s.changesPerSecond()).put("seconds", s.changeFor().toSeconds())
                .put("poll_interval_ms", s.pollInterval().toMillis()).put("events_lag_ms", s.eventsLag().toMillis());
        ArrayNode runs = o.putArray("runs");
        for (SyncBench.Result r : results) {
            runs.addObject().put("mode", r.mode()).put("changes", r.changes()).put("lag_p50_ms", r.lagP50Ms())
                    .put("lag_p99_ms", r.lagP99Ms()).put("lag_max_ms", r.lagMaxMs()).put("requests", r.requests())
                    .put("requests_per_change", Math.round(r.requestsPerChange() * 10_000) / 10_000.0)
                    .put("diverged", r.diverged()).put("not_applied", r.notApplied());
        }
        return o;
    }

    private static String table(SyncBench.Scenario s, List<SyncBench.Result> results) {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%n%.0f changes/s for %d s, limit %.0f req/s,"
                + " poll every %d s, events %d s behind now%n%n", s.changesPerSecond(), s.changeFor().toSeconds(),
                s.rps(), s.pollInterval().toSeconds(), s.eventsLag().toSeconds()));
        t.append("| mode | changes | lag p50 ms | lag p99 ms | requests/change | diverged |\n");
        t.append("|---|---:|---:|---:|---:|---:|\n");
        for (SyncBench.Result r : results) {
            t.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %.3f | %d |%n", r.mode(), r.changes(),
                    r.lagP50Ms(), r.lagP99Ms(), r.requestsPerChange(), r.diverged()));
        }
        return t.toString();
    }
}
