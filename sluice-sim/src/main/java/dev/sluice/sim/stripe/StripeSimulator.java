package dev.sluice.sim.stripe;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.sim.stripe.internal.Accounts;
import dev.sluice.sim.stripe.internal.ApiRoutes;
import dev.sluice.sim.stripe.internal.AccountChanges;
import dev.sluice.sim.stripe.internal.DispatchTime;
import dev.sluice.sim.stripe.internal.ChangeDriver;
import dev.sluice.sim.stripe.internal.ChangeLog;
import dev.sluice.sim.stripe.internal.FaultDice;
import dev.sluice.sim.stripe.internal.GroundTruth;
import dev.sluice.sim.stripe.internal.IntrospectionHandler;
import dev.sluice.sim.stripe.internal.RequestLedger;
import dev.sluice.sim.stripe.internal.SimAccount;
import dev.sluice.sim.stripe.internal.StripeApiHandler;
import dev.sluice.sim.stripe.internal.WebhookSender;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Stripe-compatible API over real HTTP — lists, retrieves, invoice lines, events, webhooks and Connect accounts,
 * with Stripe's paging, filters, errors and rate limit, plus injected latency and faults — so a backfill or sync
 * engine can be tested and benchmarked without Stripe.
 *
 * <p>Data is generated at start (see {@link StripeSimConfig}) and held as (id, created, revision) triples; object
 * bodies are rendered from the seed on each request, so 100k+ objects cost a few MB. The same config gives the same
 * ids, timestamps and bytes on every run, and the same sequence of changes the same events. While it runs, objects
 * are created, updated and deleted at the configured rates, or one at a time by {@link #update} and friends.
 *
 * <p>Ground truth for a checker: {@link #objects}, {@link #deletedIds} and {@link #stateDigest} (or
 * {@code /_sim/objects}, {@code /_sim/deleted}, {@code /_sim/digest?state=true}) for the state a copy must hold;
 * {@link #digest} over a created range of ids, compared with {@link IdDigest#of}; {@link #changes} for when each
 * change happened; {@link #stats} and {@link #requestLog} for how the client behaved. Methods that take an
 * {@code account} take null for the platform.
 *
 * <p>Serves one request per virtual thread. {@link #close()} stops at once, dropping requests in progress and
 * webhook deliveries not yet made. Over 300 lines: the ground-truth API is part of the public face, in one place.
 */
public final class StripeSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StripeSimulator.class);

    private final StripeSimConfig config;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Accounts accounts;
    private final RequestLedger ledger;
    private final StripeApiHandler api;
    private final GroundTruth truth;
    private final ChangeDriver driver;
    private final WebhookSender webhooks;

    private StripeSimulator(StripeSimConfig config, HttpServer server, ExecutorService executor, Accounts accounts,
                            RequestLedger ledger, StripeApiHandler api, GroundTruth truth, ChangeDriver driver,
                            WebhookSender webhooks) {
        this.config = config;
        this.server = server;
        this.executor = executor;
        this.accounts = accounts;
        this.ledger = ledger;
        this.api = api;
        this.truth = truth;
        this.driver = driver;
        this.webhooks = webhooks;
    }

    /** Starts on the system clock. */
    public static StripeSimulator start(StripeSimConfig config) {
        return start(config, Clock.system());
    }

    /**
     * Generates the data and starts listening. Changes, events, their visibility delay and retention, and webhook
     * signatures follow {@code clock}; with a fake clock, the rates make changes only as the test advances it
     * (they are checked every 50 ms of real time).
     *
     * @throws IllegalArgumentException for a bad dataset file (the message names the file and resource)
     * @throws UncheckedIOException     if the address cannot be bound
     */
    public static StripeSimulator start(StripeSimConfig config, Clock clock) {
        Accounts accounts = Accounts.generate(config);
        long seed = accounts.platform().seed();
        LongSupplier arrived = DispatchTime.clock(clock::nanoTime); // when a request came, not when its thread ran
        RequestLedger ledger = new RequestLedger(arrived);
        long retention = config.eventsRetention().toSeconds();
        WebhookSender webhooks = config.webhook().map(url -> new WebhookSender(url, config.webhookSecret(),
                config.webhookDuplicateRate(), config.webhookShuffleMs(), seed, accounts, clock)).orElse(null);
        ChangeLog log = new ChangeLog();
        AccountChanges accountChanges = new AccountChanges(clock, seed, accounts, log,
                webhooks != null ? webhooks : e -> {
                }, retention, webhooks != null ? 1 : 0);
        GroundTruth truth = new GroundTruth(accounts, accountChanges, log);
        StripeApiHandler api = new StripeApiHandler(config, accounts, new ApiRoutes(accounts, clock, retention),
                ledger, new FaultDice(config), arrived);

        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 1024);
        } catch (IOException e) {
            executor.shutdownNow();
            if (webhooks != null) {
                webhooks.close();
            }
            throw new UncheckedIOException("cannot listen on " + config.bindAddress() + ":" + config.port(), e);
        }
        server.setExecutor(DispatchTime.stamping(executor, clock::nanoTime));
        server.createContext("/v1/", api);
        server.createContext("/", api); // anything else is Stripe's "Unrecognized request URL"
        boolean changing = config.createRate() > 0 || config.updateRate() > 0 || config.deleteRate() > 0;
        ChangeDriver driver = changing ? new ChangeDriver(accountChanges, accounts, config.createRate(),
                config.updateRate(), config.deleteRate(), config.changesFor(), clock) : null;
        StripeSimulator sim = new StripeSimulator(config, server, executor, accounts, ledger, api, truth, driver,
                webhooks);
        server.createContext("/_sim/", new IntrospectionHandler(sim::stats, truth, sim::resetStats));
        server.start();
        if (driver != null) {
            driver.start();
        }
        LOG.info("Stripe simulator on {} with {} objects in {} account(s) (seed {}, account created {})",
                sim.baseUrl(), accounts.all().stream().mapToLong(SimAccount::objectCount).sum(),
                accounts.all().size(), seed, sim.accountCreated());
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

    /** The platform account's {@code created}, the earliest second any of its objects can have. */
    public long accountCreated() {
        return accounts.platform().created();
    }

    /** The platform account's id ({@code GET /v1/account} without {@code Stripe-Account}). */
    public String platformAccountId() {
        return accounts.platform().id();
    }

    /** The connected accounts' ids ({@code --accounts N}), in the order they were generated. */
    public List<String> connectedAccountIds() {
        return accounts.connected().stream().map(SimAccount::id).toList();
    }

    public Stats stats() {
        return ledger.stats(webhooks != null ? webhooks.stats() : WebhookStats.NONE);
    }

    /** Clears stats (webhook counters included), the request log and every caller's rate bucket. */
    public void resetStats() {
        ledger.reset();
        api.resetBuckets();
        if (webhooks != null) {
            webhooks.reset();
        }
    }

    /** Every answered list request, in arrival order. */
    public List<ServedRequest> requestLog() {
        return ledger.log();
    }

    public void clearRequestLog() {
        ledger.clearLog();
    }

    /** Objects the platform's resource holds now, deleted ones excluded (0 for a known resource without data). */
    public int objectCount(String resource) {
        return truth.count(null, resource);
    }

    /** Objects the account's resource holds now, deleted ones excluded. */
    public int objectCount(String account, String resource) {
        return truth.count(account, resource);
    }

    /**
     * The digest of the platform resource's live objects with {@code gte <= created < lt}.
     *
     * @param gte null for no lower bound
     * @param lt  null for no upper bound
     */
    public Digest digest(String resource, Long gte, Long lt) {
        return truth.idDigest(null, resource, lower(gte), upper(lt));
    }

    /** The ids of the resource's live objects with {@code gte <= created < lt} (nulls: unbounded). */
    public List<String> ids(String resource, Long gte, Long lt) {
        return List.copyOf(truth.ids(null, resource, lower(gte), upper(lt)));
    }

    /**
     * The account's live objects of a resource (deleted ones excluded, canceled subscriptions included), id → JSON
     * exactly as {@code GET /v1/<resource>/<id>} renders it now, sorted by id.
     */
    public Map<String, String> objects(String account, String resource) {
        return truth.objects(account, resource, false);
    }

    /**
     * As {@link #objects(String, String)}; with {@code completeLines}, invoices embed every line with
     * {@code has_more: false}, as a copy holds them once it fetched {@code /v1/invoices/{id}/lines}.
     */
    public Map<String, String> objects(String account, String resource, boolean completeLines) {
        return truth.objects(account, resource, completeLines);
    }

    /** Ids of the account resource's deleted objects, sorted (a canceled subscription is not deleted). */
    public List<String> deletedIds(String account, String resource) {
        return truth.deletedIds(account, resource);
    }

    /** {@link StateDigest} over {@link #objects(String, String, boolean)}. */
    public Digest stateDigest(String account, String resource, boolean completeLines) {
        return truth.stateDigest(account, resource, completeLines);
    }

    /** Whether the configured rates still make changes (false without rates, and once {@code changesFor} passed). */
    public boolean changing() {
        return driver != null && driver.running();
    }

    /** Changes kept (as long as events are), oldest first. */
    public List<Change> changes() {
        return truth.changes(0);
    }

    /** Changes with a sequence above {@code after}, oldest first. */
    public List<Change> changes(long after) {
        return truth.changes(after);
    }

    /** Creates an object now, with its {@code .created} event. */
    public Change create(String account, String resource) {
        return truth.create(account, resource);
    }

    /**
     * Updates an object now (see the resource's lifecycle in the README), with its event.
     *
     * @param id null for a random object that can be updated
     * @throws NoSuchElementException if the id is unknown, or no object can be updated
     * @throws IllegalStateException  if this object cannot be updated (deleted, or in a final status)
     */
    public Change update(String account, String resource, String id) {
        return truth.update(account, resource, id);
    }

    /**
     * Deletes an object now — or, for a subscription, cancels it (status canceled, event
     * {@code customer.subscription.deleted}), as Stripe does.
     *
     * @param id null for a random object that can be deleted
     * @throws NoSuchElementException if the id is unknown, or no object can be deleted
     * @throws IllegalStateException  if this object cannot be deleted (charges, payment intents and refunds never
     *                                are; invoices only as drafts)
     */
    public Change delete(String account, String resource, String id) {
        return truth.delete(account, resource, id);
    }

    private static long lower(Long gte) {
        return gte == null ? Long.MIN_VALUE : gte;
    }

    private static long upper(Long lt) {
        return lt == null ? Long.MAX_VALUE : lt;
    }

    /** Stops listening at once; requests in progress (hangs included) and pending webhooks are cut off. */
    @Override
    public void close() {
        if (driver != null) {
            driver.close();
        }
        if (webhooks != null) {
            webhooks.close();
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
