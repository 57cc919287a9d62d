package dev.sluice.sim.stripe.internal;

import dev.sluice.sim.stripe.WebhookStats;
import dev.sluice.time.Clock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts every event to the webhook endpoint as Stripe does: the event's JSON as the body, signed in
 * {@code Stripe-Signature} at the moment of each attempt, at least once — a non-2xx answer, a refused connection or
 * a timeout is retried with backoff ({@value #FIRST_RETRY_MS} ms, doubling, at most {@value #MAX_RETRY_MS} ms) for
 * as long as the simulator runs.
 *
 * <p>Like Stripe, it does not promise order or uniqueness: each delivery first waits a random
 * {@code 0..shuffleMs} ms, and a share {@code duplicateRate} of events is delivered twice. Both are drawn from the
 * event's id, so a run's choices do not depend on thread timing.
 *
 * <p>What must stay true: an event is handed over only once its change is in place (see {@link AccountChanges}),
 * so a receiver that re-reads the object sees at least this state; the body of every attempt of one event is the
 * same bytes.
 */
public final class WebhookSender implements Consumer<EventRecord>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    private static final long FIRST_RETRY_MS = 250;
    private static final long MAX_RETRY_MS = 5_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final String secret;
    private final double duplicateRate;
    private final long shuffleMs;
    private final long seed;
    private final Accounts accounts;
    private final Clock clock;
    private final HttpClient http;
    private final ScheduledExecutorService timer;
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean closed;

    public WebhookSender(URI url, String secret, double duplicateRate, long shuffleMs, long seed, Accounts accounts,
                         Clock clock) {
        this.url = url;
        this.secret = secret;
        this.duplicateRate = duplicateRate;
        this.shuffleMs = shuffleMs;
        this.seed = seed;
        this.accounts = accounts;
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("stripe-sim-webhooks")
                .factory());
    }

    /**
     * Schedules the event's deliveries. Its body is rendered on the sender's thread when first sent, not here: the
     * caller holds the change lock, and an event's JSON depends only on the event.
     */
    @Override
    public void accept(EventRecord event) {
        Body body = new Body(accounts.find(event.account()), event);
        SplittableRandom r = Seeds.random(seed, event.id() + "/webhook");
        long first = shuffleMs == 0 ? 0 : r.nextLong(shuffleMs + 1);
        boolean twice = r.nextDouble() < duplicateRate;
        long second = shuffleMs == 0 ? 0 : r.nextLong(shuffleMs + 1);
        schedule(event, body, first, 0);
        if (twice) {
            duplicates.incrementAndGet();
            schedule(event, body, second, 0);
        }
    }

    public WebhookStats stats() {
        return new WebhookStats(deliveries.get(), retries.get(), duplicates.get(), failures.get(), pending.get());
    }

    /** Zeroes the counters ({@code pending} is a gauge and stays). */
    public void reset() {
        deliveries.set(0);
        retries.set(0);
        duplicates.set(0);
        failures.set(0);
    }

    /** An event's JSON, rendered once and shared by its duplicate and retries. */
    private static final class Body {
        private final SimAccount account;
        private final EventRecord event;
        private byte[] bytes;

        Body(SimAccount account, EventRecord event) {
            this.account = account;
            this.event = event;
        }

        synchronized byte[] get() {
            if (bytes == null) {
                bytes = Json.bytes(g -> EventRenderer.write(g, account, event));
            }
            return bytes;
        }
    }

    private void schedule(EventRecord event, Body body, long delayMs, int attempt) {
        if (attempt == 0) {
            pending.incrementAndGet();
        }
        if (closed) {
            return;
        }
        try {
            timer.schedule(() -> post(event, body, attempt), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing: deliveries end with the simulator
        }
    }

    private void post(EventRecord event, Body lazyBody, int attempt) {
        if (attempt > 0) {
            retries.incrementAndGet();
        }
        byte[] body = lazyBody.get();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                .header("Stripe-Signature", WebhookSignature.header(secret, clock.epochSecond(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error == null && response.statusCode() / 100 == 2) {
                deliveries.incrementAndGet();
                pending.decrementAndGet();
                event.delivery().delivered();
                return;
            }
            failures.incrementAndGet();
            LOG.debug("webhook {} attempt {} failed: {}", event.id(), attempt + 1,
                    error != null ? error.toString() : "HTTP " + response.statusCode());
            long backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(attempt, 20));
            schedule(event, lazyBody, backoff, attempt + 1);
        });
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        http.shutdownNow();
    }
}
