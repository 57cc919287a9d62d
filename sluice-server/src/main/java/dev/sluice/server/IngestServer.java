package dev.sluice.server;

import dev.sluice.ingest.BatchStore;
import dev.sluice.ingest.run.BatchExpiry;
import dev.sluice.ingest.run.Ingest;
import dev.sluice.objects.ObjectStore;
import dev.sluice.server.batches.BatchRoutes;
import dev.sluice.server.batches.ItemsEndpoint;
import dev.sluice.server.http.ApiError;
import dev.sluice.server.http.ApiKeys;
import dev.sluice.server.http.Responses;
import dev.sluice.server.trigger.TriggerSurface;
import dev.sluice.server.webhooks.WebhookRoute;
import dev.sluice.time.Clock;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service: push-ingest batches (native and trigger.dev-compatible), pushed source events (webhooks), {@code /healthz} and {@code /metrics} (Prometheus), on Helidon's
 * webserver (a virtual thread per request). Owns the offload executor and the expiry sweep; the store and object
 * store are the caller's.
 */
public final class IngestServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);

    private final WebServer server;
    private final ExecutorService offloads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService sweeper;
    private final BatchExpiry expiry;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private IngestServer(ServerConfig config, BatchStore store, ObjectStore objects, Clock clock,
            List<WebhookRoute> webhooks) {
        ItemsEndpoint items = new ItemsEndpoint(new Ingest(store, objects, config.ingest(), offloads), store, config,
                metrics);
        ApiKeys keys = new ApiKeys(config.apiKeys());
        BatchRoutes batches = new BatchRoutes(items, objects, keys);
        TriggerSurface trigger = new TriggerSurface(items, objects, keys, clock);
        this.expiry = new BatchExpiry(store, objects, config.batchTtl(), clock);
        this.server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .maxPayloadSize(-1)
                .routing(r -> {
                    r.get("/healthz", (req, res) -> res.header(HeaderNames.CONTENT_TYPE, "application/json")
                            .send("{\"status\":\"ok\"}"));
                    r.get("/metrics", (req, res) -> res.header(HeaderNames.CONTENT_TYPE,
                            "text/plain; version=0.0.4; charset=utf-8").send(metrics.scrape()));
                    batches.register(r);
                    trigger.register(r);
                    webhooks.forEach(w -> w.register(r));
                    r.error(RuntimeException.class, (req, res, e) -> failed(store, config, req, res, e));
                })
                .build();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("batch-expiry").factory());
    }

    /**
     * What a handler threw that is not a refusal ({@link ApiError} and the engine's refusals are answered where they
     * are thrown): a store that is away for now answers 503 {@code DATABASE_UNAVAILABLE} at once, anything else 500
     * {@code INTERNAL_ERROR}; both as JSON, after draining the body.
     */
    private static void failed(BatchStore store, ServerConfig config, ServerRequest req, ServerResponse res,
            RuntimeException e) {
        if (res.isSent()) {
            return;
        }
        ApiError answer;
        if (store.isUnavailable(e)) {
            LOG.warn("{} {}: the database is unavailable: {}", req.prologue().method().text(), req.path().path(),
                    e.toString());
            res.header(HeaderNames.RETRY_AFTER, "1");
            answer = ApiError.storeUnavailable();
        } else {
            LOG.error("{} {} failed", req.prologue().method().text(), req.path().path(), e);
            answer = ApiError.internal();
        }
        Responses.error(req, res, answer, config.maxDrainBytes());
    }

    /**
     * Starts listening and sweeping expired batches.
     *
     * @throws IllegalStateException if the server could not listen (Helidon logs why and does not throw)
     */
    public static IngestServer start(ServerConfig config, BatchStore store, ObjectStore objects, Clock clock) {
        return start(config, store, objects, clock, List.of());
    }

    /** Starts as {@link #start(ServerConfig, BatchStore, ObjectStore, Clock)}, with endpoints for pushed events. */
    public static IngestServer start(ServerConfig config, BatchStore store, ObjectStore objects, Clock clock,
            List<WebhookRoute> webhooks) {
        IngestServer s = new IngestServer(config, store, objects, clock, webhooks);
        s.server.start();
        if (!s.server.isRunning()) {
            s.close();
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port());
        }
        long period = s.expiry.period().toMillis();
        s.sweeper.scheduleWithFixedDelay(() -> {
            try {
                s.expiry.sweep();
            } catch (RuntimeException e) {
                LOG.warn("batch expiry sweep failed: {}", e.toString());
            }
        }, period, period, TimeUnit.MILLISECONDS);
        return s;
    }

    public int port() {
        return server.port();
    }

    /** The expiry sweep, for an operator command or a test with its own clock. */
    public BatchExpiry expiry() {
        return expiry;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        server.stop();
        offloads.close();
    }
}
