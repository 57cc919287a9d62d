package dev.sluice.sim.stripe;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.sim.stripe.internal.DatasetFile;
import dev.sluice.sim.stripe.internal.Entry;
import dev.sluice.sim.stripe.internal.FaultDice;
import dev.sluice.sim.stripe.internal.IntrospectionHandler;
import dev.sluice.sim.stripe.internal.LiveCreation;
import dev.sluice.sim.stripe.internal.ObjectIndex;
import dev.sluice.sim.stripe.internal.ObjectRenderer;
import dev.sluice.sim.stripe.internal.Population;
import dev.sluice.sim.stripe.internal.RequestLedger;
import dev.sluice.sim.stripe.internal.ResourceKind;
import dev.sluice.sim.stripe.internal.StripeApiHandler;
import dev.sluice.sim.stripe.internal.StripeError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Stripe-compatible list API over real HTTP, with Stripe's paging, filters, errors and rate limit, plus injected
 * latency and faults — so a backfill engine can be tested and benchmarked without Stripe.
 *
 * <p>Data is generated at start (see {@link StripeSimConfig}) and held as (id, created) pairs only; object bodies
 * are rendered from the seed on each request, so 100k+ objects cost a few MB. The same config gives the same ids,
 * timestamps and bytes on every run. With {@code createRate > 0}, objects keep arriving while it runs.
 *
 * <p>Ground truth for a checker: {@link #digest} (or {@code GET /_sim/digest}) over a created range, compared with
 * {@link IdDigest#of} over what a sink holds; {@link #stats} and {@link #requestLog} for how the client behaved.
 *
 * <p>Serves one request per virtual thread. {@link #close()} stops at once, dropping requests in progress.
 */
public final class StripeSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StripeSimulator.class);

    private final StripeSimConfig config;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<ResourceKind, ObjectIndex> indexes;
    private final RequestLedger ledger;
    private final StripeApiHandler api;
    private final LiveCreation liveCreation;
    private final long accountCreated;

    private StripeSimulator(StripeSimConfig config, HttpServer server, ExecutorService executor,
                            Map<ResourceKind, ObjectIndex> indexes, RequestLedger ledger, StripeApiHandler api,
                            LiveCreation liveCreation, long accountCreated) {
        this.config = config;
        this.server = server;
        this.executor = executor;
        this.indexes = indexes;
        this.ledger = ledger;
        this.api = api;
        this.liveCreation = liveCreation;
        this.accountCreated = accountCreated;
    }

    /**
     * Generates the data and starts listening.
     *
     * @throws IllegalArgumentException for a bad dataset file (the message names the file and resource)
     * @throws UncheckedIOException     if the address cannot be bound
     */
    public static StripeSimulator start(StripeSimConfig config) {
        long seed = config.seed();
        long accountCreated = config.accountCreated();
        Map<ResourceKind, List<Entry>> data;
        if (config.dataset() != null) {
            DatasetFile file = DatasetFile.read(config.dataset(), config.now());
            seed = file.seed().orElse(seed);
            // The account must be at least as old as its oldest object: engines start a backfill at account.created.
            accountCreated = Math.min(accountCreated, file.earliest().orElse(accountCreated));
            data = Population.generate(seed, file.resources());
        } else {
            List<ResourceKind> kinds = config.resources().stream()
                    .map(r -> ResourceKind.byName(r).orElseThrow()).toList();
            data = Population.generate(seed, config.profile(), config.objects(), kinds, accountCreated, config.now());
        }
        Map<ResourceKind, ObjectIndex> indexes = new EnumMap<>(ResourceKind.class);
        for (ResourceKind kind : ResourceKind.values()) {
            indexes.put(kind, new ObjectIndex(data.getOrDefault(kind, List.of())));
        }
        LongSupplier clock = System::nanoTime;
        RequestLedger ledger = new RequestLedger(clock);
        StripeApiHandler api = new StripeApiHandler(config, indexes, new ObjectRenderer(seed), ledger,
                new FaultDice(config), clock, accountCreated);

        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 1024);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot listen on " + config.bindAddress() + ":" + config.port(), e);
        }
        server.setExecutor(executor);
        server.createContext("/v1/", api);
        server.createContext("/", api); // anything else is Stripe's "Unrecognized request URL"
        LiveCreation live = config.createRate() > 0
                ? new LiveCreation(seed, indexes, new ArrayList<>(data.keySet()), config.createRate())
                : null;
        StripeSimulator sim = new StripeSimulator(config, server, executor, indexes, ledger, api, live,
                accountCreated);
        server.createContext("/_sim/", new IntrospectionHandler(sim::stats, sim::digest, sim::resetStats));
        server.start();
        if (live != null) {
            live.start();
        }
        LOG.info("Stripe simulator on {} with {} objects (seed {}, account created {})", sim.baseUrl(),
                indexes.values().stream().mapToInt(ObjectIndex::size).sum(), seed, accountCreated);
        return sim;
    }

    /** E.g. {@code http://127.0.0.1:41234}, without a trailing slash. */
    public String baseUrl() {
        String host = server.getAddress().getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public StripeSimConfig config() {
        return config;
    }

    /** The account's {@code created}, the earliest second any object can have. */
    public long accountCreated() {
        return accountCreated;
    }

    public Stats stats() {
        return ledger.stats();
    }

    /** Clears stats, the request log and every caller's rate bucket. */
    public void resetStats() {
        ledger.reset();
        api.resetBuckets();
    }

    /** Every answered list request, in arrival order. */
    public List<ServedRequest> requestLog() {
        return ledger.log();
    }

    public void clearRequestLog() {
        ledger.clearLog();
    }

    /** Objects the resource holds now (0 for a known resource without data). */
    public int objectCount(String resource) {
        return index(resource).size();
    }

    /**
     * The digest of the resource's objects with {@code gte <= created < lt}.
     *
     * @param gte null for no lower bound
     * @param lt  null for no upper bound
     */
    public Digest digest(String resource, Long gte, Long lt) {
        return IdDigest.of(index(resource).ids(gte == null ? Long.MIN_VALUE : gte, lt == null ? Long.MAX_VALUE : lt));
    }

    /** The ids of the resource's objects with {@code gte <= created < lt} (nulls: unbounded), for set comparisons. */
    public List<String> ids(String resource, Long gte, Long lt) {
        return List.copyOf(index(resource).ids(gte == null ? Long.MIN_VALUE : gte, lt == null ? Long.MAX_VALUE : lt));
    }

    private Digest digest(Map<String, String> params) {
        String resource = params.get("resource");
        if (resource == null || resource.isEmpty()) {
            throw StripeError.invalidRequest(400, "Missing required param: resource.", "resource");
        }
        if (ResourceKind.byName(resource).isEmpty()) {
            throw StripeError.invalidRequest(404, "Unknown resource: " + resource, "resource");
        }
        return digest(resource, IntrospectionHandler.bound(params, "gte", Long.MIN_VALUE),
                IntrospectionHandler.bound(params, "lt", Long.MAX_VALUE));
    }

    private ObjectIndex index(String resource) {
        return indexes.get(ResourceKind.byName(resource).orElseThrow(() -> new IllegalArgumentException(
                "unknown resource " + resource + "; known: " + String.join(",", ResourceKind.names()))));
    }

    /** Stops listening at once; requests in progress (hangs included) are cut off. */
    @Override
    public void close() {
        if (liveCreation != null) {
            liveCreation.close();
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
