package dev.sluice.cli.pull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.options.DatabaseOption;
import dev.sluice.cli.sim.ChangeBurst;
import dev.sluice.cli.sync.StripeSync;
import dev.sluice.cli.sync.SyncStripeCommand;
import dev.sluice.cli.sync.SyncSummary;
import dev.sluice.sim.stripe.Digest;
import dev.sluice.sim.stripe.StateDigest;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.TableDigest;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.run.SyncConfig;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code sluice demo}: the main job on embedded defaults. Starts the Stripe simulator in this process (Stripe's
 * test-mode limit of 25 requests/s, realistic latency, skewed data over three resources), syncs it into a SQLite file
 * — a backfill with progress — then changes the account for a few seconds (updates, creations, deletions), catches
 * up from Stripe's events, and prints whether every table matches the source, data included.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Sync a simulated Stripe account into ./sluice-demo.db (SQLite): a backfill, a few seconds of "
                + "changes, the catch-up from events, and a check that the tables match the source; under a minute.",
        defaultValueProvider = DemoCommand.DemoDefaults.class)
public final class DemoCommand implements Callable<Integer> {
    /** The demo reads events this far behind now; the simulator lists an event within a second (Stripe: ~30 s). */
    private static final Duration EVENTS_LAG = Duration.ofSeconds(2);

    @Option(names = "--objects", description = "Objects in the simulated account. Default: ${DEFAULT-VALUE}.",
            defaultValue = "40000")
    int objects;

    @Option(names = "--profile", description = "uniform, recent, spikes, pileup or sparse-old. Default: ${DEFAULT-VALUE}.",
            defaultValue = "spikes")
    String profile;

    @Option(names = "--rps", description = "The simulated API's rate limit. Default: ${DEFAULT-VALUE}.", defaultValue = "25")
    double rps;

    @Option(names = "--latency-ms", description = "Simulated latency per request (±25%%). Default: ${DEFAULT-VALUE}.",
            defaultValue = "150")
    long latencyMs;

    @Option(names = "--planner", description = "adaptive, fixed or sequential. Default: ${DEFAULT-VALUE}.",
            defaultValue = "adaptive")
    String planner;

    @Option(names = "--seed", description = "Seed of the simulated data and changes. Default: ${DEFAULT-VALUE}.",
            defaultValue = "7")
    long seed;

    @Option(names = "--change-seconds", description = "How long the account changes after the backfill. "
            + "Default: ${DEFAULT-VALUE}.", defaultValue = "5")
    int changeSeconds;

    @Mixin
    DatabaseOption db;

    @Option(names = "--json", description = "Print the summary as one JSON object on stdout.")
    boolean json;

    /** The demo writes its own file, not the default database of the other commands. */
    static final class DemoDefaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            return arg.isOption() && ((OptionSpec) arg).longestName().equals("--db") ? DEMO_DB : null;
        }
    }

    static final String DEMO_DB = "sqlite:./sluice-demo.db";

    @Override
    public Integer call() throws Exception {
        List<String> resources = List.of("customers", "charges", "invoices");
        StripeSimConfig config = StripeSimConfig.builder().port(0).seed(seed).objects(objects).profile(profile)
                .resources(resources).rps(rps).latencyMs(latencyMs).latencyJitterMs(latencyMs / 4).build();
        PrintStream out = System.out;
        PrintStream err = System.err;
        DatabaseUrl url = db.url();
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            if (!json) {
                out.printf(Locale.ROOT, "Simulated Stripe account at %s: %,d objects (%s) over %s, %s requests/s, ~%d ms"
                        + " latency%n%n", sim.baseUrl(), objects, profile, String.join(", ", resources), fmt(rps),
                        latencyMs);
            }
            StripeBackfill.Options options = options(sim, resources, url, true);
            SyncConfig sync = SyncConfig.builder().eventsLag(EVENTS_LAG).overlap(Duration.ofSeconds(2)).build();
            StripeSync.Outcome first = SyncStripeCommand.run(options, sync, DeletionMode.TOMBSTONE, false, json, err);
            if (!json) {
                SyncSummary.text(first, out);
                out.printf(Locale.ROOT, "%nChanging the account for %d s (updates, new objects, deleted customers)…%n",
                        changeSeconds);
            }
            ChangeBurst.Made made = ChangeBurst.run(sim, resources, 20, changeSeconds * 1000L, seed);
            if (!json) {
                out.printf(Locale.ROOT, "  %,d changes: %,d updates, %,d creations, %,d deletions%n", made.total(),
                        made.updates(), made.creations(), made.deletions());
                out.printf(Locale.ROOT, "%nCatching up from the events cursor (events read %d s behind now)…%n",
                        EVENTS_LAG.toSeconds());
            }
            // Wait until the last change's second lies behind the lag, so the catch-up sees it.
            long due = (made.lastChangeMillis() / 1000 + 2 + EVENTS_LAG.toSeconds()) * 1000;
            Thread.sleep(Math.max(0, due - System.currentTimeMillis()));
            StripeSync.Outcome caughtUp = SyncStripeCommand.run(options(sim, resources, url, false), sync, null, false,
                    json, err);
            ObjectNode matches = compare(sim, url, resources);
            boolean allMatch = matches.properties().stream().allMatch(e -> e.getValue().get("match").asBoolean());
            if (json) {
                ObjectNode o = new ObjectMapper().createObjectNode();
                o.set("backfill", SyncSummary.json(first));
                o.putObject("changes").put("updates", made.updates()).put("creations", made.creations())
                        .put("deletions", made.deletions());
                o.set("catch_up", SyncSummary.json(caughtUp));
                o.set("tables", matches);
                o.put("match", allMatch);
                out.println(o);
            } else {
                SyncSummary.text(caughtUp, out);
                out.printf(Locale.ROOT, "%n%s%n", allMatch ? "Every table matches the source (ids and data):"
                        : "MISMATCH: a table differs from the source:");
                matches.properties().forEach(e -> out.printf(Locale.ROOT, "  %-10s %,7d live rows   state %s %s%n",
                        e.getKey(), e.getValue().get("rows").asLong(), e.getValue().get("sha256").asText().substring(0, 12),
                        e.getValue().get("match").asBoolean() ? "= source" : "!= source "
                                + e.getValue().get("source_sha256").asText().substring(0, 12)));
                tryThis(out);
            }
            return allMatch && first.sync().complete() && caughtUp.sync().complete() ? 0 : 1;
        }
    }

    /** The demo's job; the first run starts over ({@code --restart}), the catch-up goes on from its cursor. */
    private StripeBackfill.Options options(StripeSimulator sim, List<String> resources, DatabaseUrl url,
            boolean restart) {
        return StripeBackfill.Options.builder().baseUrl(URI.create(sim.baseUrl())).apiKey("sk_test_sluice_demo")
                .resources(resources).db(url).rps(rps).planner(planner).job("demo").restart(restart).build();
    }

    /** Each table's state digest (ids and canonical data of live rows) against the simulator's. */
    private static ObjectNode compare(StripeSimulator sim, DatabaseUrl url, List<String> resources) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        try (Database d = DatabaseOption.open(url, 1)) {
            for (String r : resources) {
                Digest mine = StateDigest.of(TableDigest.liveData(d, StripeBackfill.NAMESPACE, r));
                Digest source = sim.stateDigest(null, r, true);
                o.putObject(r).put("rows", mine.count()).put("sha256", mine.sha256())
                        .put("source_sha256", source.sha256()).put("match", mine.equals(source));
            }
        }
        return o;
    }

    private void tryThis(PrintStream out) {
        String file = db.url().file().map(Path::toString).orElse(null);
        out.println();
        out.println("Try:");
        if (file != null) {
            out.println("  sqlite3 " + file + " \"select count(*), sum(deleted) from stripe_customers\"");
            out.println("  sqlite3 " + file + " \"select id, json_extract(data,'$.email') from stripe_customers"
                    + " where deleted order by synced_at desc limit 5\"");
            out.println("  sqlite3 " + file + " \"select job, cursor_second, datetime(cursor_second,'unixepoch')"
                    + " from sluice_sync_cursors\"");
        }
        out.println("  ./sluice status --db " + db.url());
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
