package dev.sluice.cli.support;

import dev.sluice.cli.pull.StripeBackfill;
import dev.sluice.pull.run.BackfillResult;
import dev.sluice.sim.stripe.Digest;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.TableDigest;
import dev.sluice.time.Clock;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Runs the real wiring ({@link StripeBackfill}) against a simulator and compares what landed with the source. */
public final class SimBackfill {
    private SimBackfill() {
    }

    public static StripeBackfill.Options options(StripeSimulator sim, DatabaseUrl db, List<String> resources,
            double rps, String planner, Long since, Long until) {
        return StripeBackfill.Options.builder().baseUrl(URI.create(sim.baseUrl())).apiKey("sk_test_sluice")
                .resources(resources).db(db).rps(rps).maxConcurrency(16).planner(planner).since(since).until(until)
                .job("test").requestTimeout(Duration.ofSeconds(2)).maxAttempts(12).build();
    }

    public static BackfillResult run(StripeBackfill.Options o) throws InterruptedException {
        return StripeBackfill.run(o, Clock.system(), b -> { });
    }

    /** The sink's digest of a resource's table. */
    public static TableDigest.Digest sink(DatabaseUrl db, String resource) {
        try (Database d = Database.open(db)) {
            return TableDigest.digest(d, StripeBackfill.NAMESPACE, resource);
        }
    }

    /** The source's digest over [gte, lt), in the sink's digest type. */
    public static TableDigest.Digest source(StripeSimulator sim, String resource, Long gte, Long lt) {
        Digest d = sim.digest(resource, gte, lt);
        return new TableDigest.Digest(d.count(), d.sha256());
    }
}
