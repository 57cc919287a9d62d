package dev.sluice.cli.sim;

import dev.sluice.cli.Converters;
import dev.sluice.cli.FreePort;
import dev.sluice.sim.stripe.RateScope;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice sim stripe}: a Stripe-compatible API on a local port, until Ctrl-C. */
@Command(name = "stripe", mixinStandardHelpOptions = true,
        description = {"Serve a Stripe-compatible API (accounts, lists, retrieves, invoice lines, events, webhooks) "
                + "with Stripe's paging, errors and rate limit, and objects that change while it runs; plus "
                + "/_sim/stats, /_sim/digest, /_sim/objects, /_sim/deleted, /_sim/changes, /_sim/change and "
                + "/_sim/reset-stats."})
public final class SimStripeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "12111", description = "Port on 127.0.0.1 (0 picks one). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--objects", defaultValue = "10000", description = "Objects in all, split over --resources. Default: ${DEFAULT-VALUE}.")
    int objects;

    @Option(names = "--profile", defaultValue = "uniform",
            description = "uniform, recent, spikes, pileup, sparse-old, or random:K (shape K of --seed from the "
                    + "generator of mixtures). Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--seed", defaultValue = "1", description = "The same seed gives the same objects. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--dataset", description = "JSON file {\"seed\":7,\"resources\":{\"customers\":[[gte,lt,count],…]}}; "
            + "overrides --objects, --profile, --seed and --resources.")
    Path dataset;

    @Option(names = "--resources", split = ",", defaultValue = "customers,charges,invoices",
            description = "Resources that hold data. Default: ${DEFAULT-VALUE}.")
    List<String> resources;

    @Option(names = "--now", description = "Epoch second the data ends at. Default: now.")
    Long now;

    @Option(names = "--rps", defaultValue = "25", description = "Requests/s per API key before 429. Default: ${DEFAULT-VALUE}.")
    double rps;

    @Option(names = "--burst", description = "Requests allowed at once after an idle spell. Default: 10%% of --rps, at least 1.")
    Integer burst;

    @Option(names = "--latency-ms", defaultValue = "0", description = "Added latency per request. Default: ${DEFAULT-VALUE}.")
    long latencyMs;

    @Option(names = "--jitter-ms", defaultValue = "0", description = "Latency jitter, uniform ±. Default: ${DEFAULT-VALUE}.")
    long jitterMs;

    @Option(names = "--error-rate", defaultValue = "0", description = "Share of list requests answered 500.")
    double errorRate;

    @Option(names = "--throttle-rate", defaultValue = "0", description = "Share answered 429 whatever the rate.")
    double throttleRate;

    @Option(names = "--hang-rate", defaultValue = "0", description = "Share that hang, then drop the connection.")
    double hangRate;

    @Option(names = "--hang-ms", defaultValue = "5000", description = "How long a hung request hangs. Default: ${DEFAULT-VALUE}.")
    long hangMs;

    @Option(names = "--truncate-rate", defaultValue = "0", description = "Share of 200s whose body is cut in half.")
    double truncateRate;

    @Option(names = "--create-rate", defaultValue = "0", description = "New objects per second per resource while running.")
    double createRate;

    @Option(names = "--update-rate", defaultValue = "0", description = "Updates per second per resource while running.")
    double updateRate;

    @Option(names = "--delete-rate", defaultValue = "0",
            description = "Deletions per second per resource while running (subscriptions are canceled; charges, "
                    + "payment intents and refunds never deleted; invoices only as drafts).")
    double deleteRate;

    @Option(names = "--changes-for", converter = Converters.DurationConverter.class,
            description = "Creations, updates and deletions stop this long after the start (e.g. 30s). Default: never.")
    Duration changesFor;

    @Option(names = "--events-retention", converter = Converters.DurationConverter.class, defaultValue = "30d",
            description = "How long /v1/events keeps an event. Default: ${DEFAULT-VALUE}.")
    Duration eventsRetention;

    @Option(names = "--invoice-lines", description = "Line counts invoices draw from, e.g. 0,10,11,250. Default: 1 to 3.")
    String invoiceLines;

    @Option(names = "--webhook-url", description = "Post every event here, signed as Stripe signs (needs --webhook-secret).")
    URI webhookUrl;

    @Option(names = "--webhook-secret", description = "The endpoint's signing secret, e.g. whsec_…")
    String webhookSecret;

    @Option(names = "--webhook-duplicate-rate", defaultValue = "0", description = "Share of events delivered twice.")
    double webhookDuplicateRate;

    @Option(names = "--webhook-shuffle-ms", defaultValue = "0",
            description = "Each delivery waits a random 0..M ms, so deliveries arrive out of order. Default: ${DEFAULT-VALUE}.")
    long webhookShuffleMs;

    @Option(names = "--accounts", defaultValue = "0",
            description = "Connected accounts besides the platform (Stripe-Account), each with its own data. Default: ${DEFAULT-VALUE}.")
    int accounts;

    @Option(names = "--rate-scope", defaultValue = "key",
            description = "One rate-limit bucket per API key (key) or per account (account). Default: ${DEFAULT-VALUE}.")
    String rateScope;

    @Override
    public Integer call() throws Exception {
        StripeSimConfig.Builder b = StripeSimConfig.builder().port(port).objects(objects).profile(profile).seed(seed)
                .resources(resources).rps(rps).latencyMs(latencyMs).latencyJitterMs(jitterMs).errorRate(errorRate)
                .throttleRate(throttleRate).hangRate(hangRate).hangMs(hangMs).truncateRate(truncateRate)
                .createRate(createRate).updateRate(updateRate).deleteRate(deleteRate).changesFor(changesFor)
                .eventsRetention(eventsRetention).webhook(webhookUrl, webhookSecret)
                .webhookDuplicateRate(webhookDuplicateRate).webhookShuffleMs(webhookShuffleMs).accounts(accounts)
                .rateScope(RateScope.parse(rateScope));
        if (invoiceLines != null) {
            b.invoiceLines(invoiceLines);
        }
        if (burst != null) {
            b.burst(burst);
        }
        if (dataset != null) {
            b.dataset(dataset);
        }
        if (now != null) {
            b.now(now);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        FreePort.check("--port", "127.0.0.1", port);
        try (StripeSimulator sim = StripeSimulator.start(b.build())) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            System.out.println("Stripe simulator listening on " + sim.baseUrl() + " (any key sk_…); Ctrl-C stops it.");
            for (String r : sim.config().resources()) {
                System.out.printf("  /v1/%s: %,d objects%n", r, sim.objectCount(r));
            }
            if (!sim.connectedAccountIds().isEmpty()) {
                System.out.printf("  %d connected accounts (Stripe-Account), e.g. %s%n", sim.connectedAccountIds().size(),
                        sim.connectedAccountIds().getFirst());
            }
            System.out.flush();
            stopped.await();
        }
        return 0;
    }
}
