package dev.sluice.source.stripe;

import dev.sluice.pull.ListSource;
import dev.sluice.pull.NestedLists;
import dev.sluice.sync.ChangeFeed;
import dev.sluice.sync.ObjectReader;
import dev.sluice.time.Clock;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One Stripe account's API, as the seams a backfill and a sync need: lists, events, retrieves and nested lists,
 * all over one HTTP client ({@link StripeHttp}), each making one attempt per call.
 */
public final class StripeApi {
    private final StripeHttp http;
    private final StripeListSource lists;
    private final StripeObjects objects;

    /**
     * @param baseUrl API root, e.g. {@code https://api.stripe.com} or a simulator's {@code http://127.0.0.1:12111}
     * @param timeout deadline of one attempt, from sending to the last byte of the body
     */
    public StripeApi(URI baseUrl, String apiKey, Duration timeout, Clock clock) {
        this.http = new StripeHttp(baseUrl, apiKey, timeout);
        this.lists = new StripeListSource(http, clock);
        this.objects = new StripeObjects(http, clock);
    }

    /** List pages (and the account's creation time). */
    public StripeListSource lists() {
        return lists;
    }

    /** The events of {@code resources}' tables. */
    public ChangeFeed events(List<String> resources) {
        return new StripeEventFeed(http, resources);
    }

    /** Retrieves by id. */
    public ObjectReader reader() {
        return objects;
    }

    /** Completes invoices' lines. */
    public NestedLists nestedLists() {
        return objects;
    }
}
