package dev.sluice.cli.bench;

import dev.sluice.cli.pull.StripeBackfill;
import dev.sluice.cli.serve.StripeWebhookEndpoint;
import dev.sluice.cli.sim.ChangeBurst;
import dev.sluice.cli.sync.StripeSync;
import dev.sluice.objects.ObjectStores;
import dev.sluice.server.IngestServer;
import dev.sluice.server.ServerConfig;
import dev.sluice.sim.stripe.Change;
import dev.sluice.sim.stripe.StateDigest;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcBatchStore;
import dev.sluice.store.TableDigest;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.run.Sync;
import dev.sluice.sync.run.SyncConfig;
import dev.sluice.time.Clock;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One run of the sync bench: a simulated account at a known rate limit, synced (a backfill), then changed at a steady
 * rate while the copy follows — by polling ({@code sync --follow}) or by webhooks into {@code serve}'s endpoint.
 * Lag is from a change in the simulator to the commit of its event (the applied event's {@code applied_at});
 * requests are everything the simulator answered while the changes ran and the copy caught up; {@code diverged}
 * counts objects whose table row differs from the simulator's state (missing, extra or other data) at the end.
 */
final class SyncBench {
    private static final String SECRET = "whsec_sluice_bench";

    /** What a run is given. */
    record Scenario(int objects, List<String> resources, double rps, double changesPerSecond, Duration changeFor,
            Duration pollInterval, Duration eventsLag, long seed, Path dir) {
    }

    /** What a run measured. */
    record Result(String mode, long changes, long lagP50Ms, long lagP99Ms, long lagMaxMs, long requests,
            double requestsPerChange, long diverged, long notApplied) {
    }

    private SyncBench() {
    }

    static Result run(String mode, Scenario s) throws Exception {
        StripeSimConfig.Builder sim = StripeSimConfig.builder().port(0).seed(s.seed()).objects(s.objects())
                .resources(s.resources()).rps(s.rps());
        URI webhooks = null;
        DatabaseUrl url = DatabaseUrl.sqlite(s.dir().resolve("sync-" + mode + "-" + System.nanoTime() + ".db"));
        try (Database db = Database.open(url)) {
            if (mode.equals("webhook")) {
                // The simulator needs the endpoint's URL and the endpoint the simulator's: a free port first.
                int port;
                try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    port = free.getLocalPort();
                }
                webhooks = URI.create("http://127.0.0.1:" + port + StripeWebhookEndpoint.PATH);
                sim.webhook(webhooks, SECRET);
            }
            try (StripeSimulator simulator = StripeSimulator.start(sim.build())) {
                StripeBackfill.Options options = StripeBackfill.Options.builder()
                        .baseUrl(URI.create(simulator.baseUrl())).apiKey("sk_test_sluice_bench").resources(s.resources())
                        .db(url).rps(s.rps()).job("bench").restart(true).build();
                SyncConfig config = SyncConfig.builder().pollInterval(s.pollInterval()).eventsLag(s.eventsLag())
                        .build();
                StripeSync.run(options, config, DeletionMode.TOMBSTONE, false, Clock.system(), quietHooks(null));
                options = options.toBuilder().restart(false).build();
                return mode.equals("poll") ? poll(s, simulator, options, config, db)
                        : webhook(s, simulator, db, webhooks);
            }
        }
    }

    private static Result poll(Scenario s, StripeSimulator sim, StripeBackfill.Options options, SyncConfig config,
            Database db) throws Exception {
        AtomicReference<Sync> running = new AtomicReference<>();
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread follower = Thread.ofPlatform().name("bench-sync").start(() -> {
            try {
                StripeSync.run(options, config, null, true, Clock.system(), quietHooks(running::set));
            } catch (Exception e) {
                failed.set(e);
            }
        });
        long requestsBefore = sim.stats().requests();
        long firstSequence = lastSequence(sim);
        ChangeBurst.Made made = ChangeBurst.run(sim, s.resources(), s.changesPerSecond(), s.changeFor().toMillis(),
                s.seed());
        List<Change> changes = sim.changes(firstSequence);
        long deadline = System.currentTimeMillis() + s.pollInterval().plus(s.eventsLag()).toMillis() + 30_000;
        Map<String, Long> applied = awaitApplied(db, changes, deadline);
        long requests = sim.stats().requests() - requestsBefore;
        Sync sync = running.get();
        if (sync != null) {
            sync.stop();
        }
        follower.join(60_000);
        if (failed.get() != null) {
            throw failed.get();
        }
        return result("poll", sim, db, s, changes, applied, requests, made);
    }

    private static Result webhook(Scenario s, StripeSimulator sim, Database db, URI url) throws Exception {
        StripeWebhookEndpoint.Settings settings = new StripeWebhookEndpoint.Settings(List.of(SECRET),
                Duration.ofSeconds(300), "sk_test_sluice_bench", URI.create(sim.baseUrl()), s.rps(), null);
        try (IngestServer server = IngestServer.start(ServerConfig.builder().apiKeys(List.of("sk_bench_unused_key"))
                .host("127.0.0.1").port(url.getPort()).build(), new JdbcBatchStore(db, Clock.system()),
                ObjectStores.open("file:" + s.dir().resolve("objects")), Clock.system(),
                List.of(StripeWebhookEndpoint.route(settings, db, Clock.system(), 1 << 20)))) {
            long requestsBefore = sim.stats().requests();
            long firstSequence = lastSequence(sim);
            ChangeBurst.Made made = ChangeBurst.run(sim, s.resources(), s.changesPerSecond(),
                    s.changeFor().toMillis(), s.seed());
            List<Change> changes = sim.changes(firstSequence);
            Map<String, Long> applied = awaitApplied(db, changes, System.currentTimeMillis() + 30_000);
            long requests = sim.stats().requests() - requestsBefore;
            return result("webhook", sim, db, s, changes, applied, requests, made);
        }
    }

    private static long lastSequence(StripeSimulator sim) {
        List<Change> all = sim.changes();
        return all.isEmpty() ? 0 : all.getLast().sequence();
    }

    private static Result result(String mode, StripeSimulator sim, Database db, Scenario s, List<Change> changes,
            Map<String, Long> applied, long requests, ChangeBurst.Made made) {
        List<Long> lags = new ArrayList<>();
        for (Change c : changes) {
            Long at = applied.get(c.eventId());
            if (at != null) {
                lags.add(Math.max(0, at - c.atMillis()));
            }
        }
        lags.sort(null);
        long diverged = 0;
        for (String r : s.resources()) {
            diverged += diverged(sim.objects(null, r, true), TableDigest.liveData(db, StripeBackfill.NAMESPACE, r));
        }
        return new Result(mode, changes.size(), percentile(lags, 0.50), percentile(lags, 0.99),
                lags.isEmpty() ? -1 : lags.getLast(), requests,
                changes.isEmpty() ? 0 : requests / (double) changes.size(), diverged,
                changes.size() - lags.size());
    }

    /** Objects missing, extra, or with other data. */
    static long diverged(Map<String, String> truth, Map<String, String> rows) {
        long n = 0;
        for (Map.Entry<String, String> e : truth.entrySet()) {
            String mine = rows.get(e.getKey());
            if (mine == null || !StateDigest.canonical(mine).equals(StateDigest.canonical(e.getValue()))) {
                n++;
            }
        }
        for (String id : rows.keySet()) {
            if (!truth.containsKey(id)) {
                n++;
            }
        }
        return n;
    }

    /** Waits until every change's event is applied, or the deadline; returns event id → applied_at. */
    private static Map<String, Long> awaitApplied(Database db, List<Change> changes, long deadline)
            throws Exception {
        Map<String, Long> applied = new HashMap<>();
        while (true) {
            applied = appliedAt(db, changes);
            if (applied.size() == changes.size() || System.currentTimeMillis() > deadline) {
                return applied;
            }
            Thread.sleep(100); // the bench's own polling of the database; tests use Awaitility
        }
    }

    private static Map<String, Long> appliedAt(Database db, List<Change> changes) throws Exception {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT event_id, applied_at FROM sluice_applied_events WHERE namespace = ?")) {
            ps.setString(1, StripeBackfill.NAMESPACE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), db.dialect().readInstant(rs, "applied_at"));
                }
            }
        }
        Map<String, Long> mine = new HashMap<>();
        for (Change ch : changes) {
            Long at = out.get(ch.eventId());
            if (at != null) {
                mine.put(ch.eventId(), at);
            }
        }
        return mine;
    }

    private static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static StripeSync.Hooks quietHooks(Consumer<Sync> onSync) {
        return new StripeSync.Hooks() {
            @Override
            public void syncStarted(Sync sync) {
                if (onSync != null) {
                    onSync.accept(sync);
                }
            }
        };
    }
}
