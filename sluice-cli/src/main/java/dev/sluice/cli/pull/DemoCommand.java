package dev.sluice.cli.pull;

import dev.sluice.cli.Converters;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice demo}: the main job on embedded defaults. Starts the Stripe simulator in this process (Stripe's
 * test-mode limit of 25 requests/s, realistic latency, skewed data over three resources) and backfills it into a
 * SQLite file with progress, then prints the summary and a query to try.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Backfill a simulated Stripe account into ./sluice-demo.db (SQLite), in under a minute.")
public final class DemoCommand implements Callable<Integer> {
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

    @Option(names = "--seed", description = "Seed of the simulated data. Default: ${DEFAULT-VALUE}.", defaultValue = "7")
    long seed;

    @Option(names = "--db", description = "Where to write. Default: ${DEFAULT-VALUE}.",
            defaultValue = "sqlite:./sluice-demo.db")
    String db;

    @Option(names = "--json", description = "Print the summary as one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<String> resources = List.of("customers", "charges", "invoices");
        StripeSimConfig config = StripeSimConfig.builder().port(0).seed(seed).objects(objects).profile(profile)
                .resources(resources).rps(rps).latencyMs(latencyMs).latencyJitterMs(latencyMs / 4).build();
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            if (!json) {
                System.out.printf("Simulated Stripe account at %s: %,d objects (%s) over %s, %s requests/s, ~%d ms latency%n",
                        sim.baseUrl(), objects, profile, String.join(", ", resources), fmt(rps), latencyMs);
            }
            StripeBackfill.Options options = new StripeBackfill.Options(URI.create(sim.baseUrl()), "sk_test_sluice_demo",
                    resources, Converters.databaseUrl(db), rps, 64, planner, null, null, "demo", true,
                    Duration.ofSeconds(30), 8);
            int code = BackfillStripeCommand.execute(options, json, false, System.out, System.err);
            if (!json) {
                String file = db.startsWith("sqlite:") ? Path.of(db.substring("sqlite:".length())).toString() : null;
                System.out.println();
                System.out.println("Try:");
                if (file != null) {
                    System.out.println("  sqlite3 " + file + " \"select count(*), datetime(min(created),'unixepoch'), "
                            + "datetime(max(created),'unixepoch') from stripe_customers\"");
                    System.out.println("  sqlite3 " + file + " \"select id, json_extract(data,'$.email') from "
                            + "stripe_customers order by created desc limit 5\"");
                }
                System.out.println("  ./sluice status --db " + db);
            }
            return code;
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
