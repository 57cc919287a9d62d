package dev.sluice.cli.pull;

import dev.sluice.cli.Converters;
import dev.sluice.cli.GracefulStop;
import dev.sluice.pull.run.BackfillResult;
import dev.sluice.source.stripe.StripeListSource;
import dev.sluice.time.Clock;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice backfill stripe}: every object of the chosen resources, created in {@code [since, until)}, into one
 * table per resource. Flags default to {@code SLUICE_*} environment variables where a deployment would set them.
 */
@Command(name = "stripe", mixinStandardHelpOptions = true,
        description = {"Backfill Stripe (or any API shaped like Stripe's list API) into the database.",
                "Re-running the same --job resumes where it stopped; after a finished run, it fetches what was "
                        + "created since (incremental)."})
public final class BackfillStripeCommand implements Callable<Integer> {
    @Option(names = "--api-key", description = "Secret key (sk_…). Default: $STRIPE_API_KEY. Never printed or logged.",
            defaultValue = "${env:STRIPE_API_KEY}")
    String apiKey;

    @Option(names = "--base-url", description = "API root. Default: ${DEFAULT-VALUE}.",
            defaultValue = "${env:SLUICE_STRIPE_BASE_URL:-https://api.stripe.com}")
    String baseUrl;

    @Option(names = "--resources", split = ",", paramLabel = "a,b|all",
            description = "Resources to backfill (customers, charges, invoices, payment_intents, subscriptions, products, prices, refunds), or 'all'. Default: ${DEFAULT-VALUE}.",
            defaultValue = "${env:SLUICE_RESOURCES:-customers,charges,invoices}")
    List<String> resources;

    @Option(names = "--db", description = "sqlite:PATH, postgresql://user@host:port/db or jdbc:… Default: ${DEFAULT-VALUE}.",
            defaultValue = "${env:SLUICE_DB:-sqlite:./sluice.db}")
    String db;

    @Option(names = "--rps", description = "The API's rate limit in requests/s, shared by every request and retry. "
            + "Default: ${DEFAULT-VALUE} (Stripe test mode; live mode allows 100).",
            defaultValue = "${env:SLUICE_RPS:-25}")
    double rps;

    @Option(names = "--max-concurrency", description = "Cap on requests in flight; the engine sizes it from the "
            + "rate and measured latency below the cap. Default: ${DEFAULT-VALUE}.",
            defaultValue = "${env:SLUICE_MAX_CONCURRENCY:-64}")
    int maxConcurrency;

    @Option(names = "--planner", description = "adaptive (default), or a baseline for comparison: fixed, sequential.",
            defaultValue = "${env:SLUICE_PLANNER:-adaptive}")
    String planner;

    @Option(names = "--since", converter = Converters.EpochSecondConverter.class, paramLabel = "T",
            description = "Start (epoch s, 2024-01-31 or an ISO instant). Default: the account's creation, or the "
                    + "end of the job's last finished run.")
    Long since;

    @Option(names = "--until", converter = Converters.EpochSecondConverter.class, paramLabel = "T",
            description = "End, exclusive. Default: now + 1 s, frozen when the run starts.")
    Long until;

    @Option(names = "--job", description = "Name under which the checkpoint is kept. Default: ${DEFAULT-VALUE}.",
            defaultValue = "${env:SLUICE_JOB:-stripe}")
    String job;

    @Option(names = "--restart", description = "Forget the job's checkpoint and start over (rows stay; upserts keep them right).")
    boolean restart;

    @Option(names = "--request-timeout", converter = Converters.DurationConverter.class,
            description = "Deadline of one attempt, body included. Default: ${DEFAULT-VALUE}.",
            defaultValue = "${env:SLUICE_REQUEST_TIMEOUT:-30s}")
    Duration requestTimeout;

    @Option(names = "--max-attempts", description = "Attempts per page before the stream fails. Default: ${DEFAULT-VALUE}.",
            defaultValue = "${env:SLUICE_MAX_ATTEMPTS:-8}")
    int maxAttempts;

    @Option(names = "--json", description = "Print the summary as one JSON object on stdout.")
    boolean json;

    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        StripeBackfill.Options options = new StripeBackfill.Options(parseBaseUrl(baseUrl), apiKey,
                resolveResources(resources), Converters.databaseUrl(db), rps, maxConcurrency, planner, since, until, job, restart,
                requestTimeout, maxAttempts);
        return execute(options, json, quiet, System.out, System.err);
    }

    /** Runs a backfill with progress, Ctrl-C handling and a summary; returns the exit code. */
    static int execute(StripeBackfill.Options options, boolean json, boolean quiet, PrintStream out, PrintStream err)
            throws InterruptedException {
        AtomicReference<ProgressDisplay> display = new AtomicReference<>();
        BackfillResult result;
        try (GracefulStop stop = GracefulStop.install()) {
            try {
                result = StripeBackfill.run(options, Clock.system(), b -> {
                    stop.stopWith(b::stop); // the requests in flight commit before the JVM exits
                    display.set(ProgressDisplay.start(b, err, quiet || json));
                });
            } finally {
                ProgressDisplay d = display.get();
                if (d != null) {
                    d.close();
                }
            }
        }
        if (json) {
            out.println(BackfillSummary.json(result).toString());
        } else {
            BackfillSummary.text(result, out);
        }
        return result.complete() ? 0 : 1;
    }

    public static URI parseBaseUrl(String text) {
        try {
            URI uri = URI.create(text);
            if (uri.getHost() == null || !(text.startsWith("http://") || text.startsWith("https://"))) {
                throw new IllegalArgumentException("no host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--base-url must be an http(s) URL like https://api.stripe.com, was '"
                    + text + "'");
        }
    }

    public static List<String> resolveResources(List<String> names) {
        if (names.size() == 1 && names.get(0).equals("all")) {
            return StripeListSource.RESOURCES;
        }
        for (String n : names) {
            if (!n.matches("[a-z][a-z_]{0,62}")) {
                throw new IllegalArgumentException("--resources: '" + n + "' is not a resource name (known: "
                        + String.join(", ", StripeListSource.RESOURCES) + ", or all)");
            }
        }
        return List.copyOf(Arrays.asList(names.toArray(String[]::new)));
    }
}
