package dev.sluice.cli.serve;

import dev.sluice.cli.pull.StripeBackfill;
import dev.sluice.limit.Backoff;
import dev.sluice.limit.RateLimiter;
import dev.sluice.pull.NestedLists;
import dev.sluice.pull.Requests;
import dev.sluice.pull.run.RetryingRequests;
import dev.sluice.server.webhooks.WebhookRoute;
import dev.sluice.source.stripe.StripeApi;
import dev.sluice.source.stripe.StripeListSource;
import dev.sluice.source.stripe.StripeWebhooks;
import dev.sluice.store.Database;
import dev.sluice.store.JdbcChangeSink;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.ObjectReader;
import dev.sluice.sync.run.ChangeApplier;
import dev.sluice.sync.run.SyncStats;
import dev.sluice.time.Clock;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Wires {@code POST /v1/stripe/webhooks} for {@code sluice serve}: Stripe's signature check with the configured
 * secrets, and the sync's apply path into the same tables ({@code stripe.<resource>}) and deletion mode that
 * {@code sync stripe} uses. With an API key, a tie within a second is settled by re-reading the object (and invoices
 * get all their lines); without one, the later event type wins.
 */
public final class StripeWebhookEndpoint {
    public static final String PATH = "/v1/stripe/webhooks";
    private static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    /** The flags, checked. {@code apiKey} null means no re-reads. */
    public record Settings(List<String> secrets, Duration tolerance, String apiKey, URI baseUrl, double rps,
            DeletionMode deletes) {
        public Settings {
            secrets = List.copyOf(secrets);
            new StripeWebhooks(secrets, tolerance); // checks the secrets and the tolerance, naming the flags
        }
    }

    private StripeWebhookEndpoint() {
    }

    /** The route, over {@code db}; prepares every Stripe resource's table, since deliveries may be of any. */
    public static WebhookRoute route(Settings s, Database db, Clock clock, long maxDrainBytes) {
        JdbcChangeSink sink = new JdbcChangeSink(db, clock);
        for (String resource : StripeListSource.RESOURCES) {
            sink.prepare(StripeBackfill.NAMESPACE, resource);
        }
        DeletionMode deletes = sink.deletionMode(StripeBackfill.NAMESPACE, s.deletes());
        SyncStats stats = new SyncStats();
        ObjectReader reader = null;
        NestedLists nested = NestedLists.NONE;
        Requests nestedRequests = Requests.NONE;
        Requests rereads = Requests.NONE;
        if (s.apiKey() != null) {
            StripeApi api = new StripeApi(s.baseUrl(), s.apiKey(), Duration.ofSeconds(30), clock);
            RetryingRequests requests = new RetryingRequests(new RateLimiter(RateLimiter.Config.ofRate(s.rps()),
                    clock), Backoff.ofDefaults(), clock, 1, RetryingRequests.NO_TALLY);
            reader = api.reader();
            nested = api.nestedLists();
            nestedRequests = requests.tallying(stats.nested());
            rereads = requests.tallying(stats.rereads());
        }
        ChangeApplier applier = new ChangeApplier(sink, reader, nested, nestedRequests, rereads, stats);
        return new WebhookRoute(PATH, new StripeWebhooks(s.secrets(), s.tolerance()), applier,
                new WebhookRoute.Target(StripeBackfill.NAMESPACE, deletes), clock, MAX_EVENT_BYTES, maxDrainBytes);
    }
}
