package dev.sluice.cli.support;

import static org.assertj.core.api.Assertions.assertThat;
import dev.sluice.cli.pull.StripeBackfill;
import dev.sluice.cli.sync.StripeSync;
import dev.sluice.sim.stripe.StateDigest;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.TableDigest;
import dev.sluice.store.testing.StoredRows;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.run.SyncConfig;
import dev.sluice.time.Clock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;


/** Runs the real sync wiring ({@link StripeSync}) against a simulator and compares the tables with its state. */
public final class SimSync {
    private SimSync() {
    }

    public static StripeBackfill.Options options(StripeSimulator sim, DatabaseUrl db, List<String> resources,
            String job) {
        return StripeBackfill.Options.builder().baseUrl(URI.create(sim.baseUrl())).apiKey("sk_test_sluice")
                .resources(resources).db(db).rps(1_000).maxConcurrency(16).job(job)
                .requestTimeout(Duration.ofSeconds(5)).maxAttempts(12).build();
    }

    /** Events read up to 2 s behind now: the simulator lists an event within a second. */
    public static SyncConfig config() {
        return SyncConfig.builder().eventsLag(Duration.ofSeconds(2)).overlap(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(500)).build();
    }

    public static StripeSync.Outcome run(StripeBackfill.Options o, SyncConfig config, DeletionMode deletes)
            throws Exception {
        return StripeSync.run(o, config, deletes, false, Clock.system(), new StripeSync.Hooks() {
            @Override
            public void notice(String message) {
                System.out.println("sync: " + message);
            }
        });
    }

    /**
     * The table of {@code resource} holds exactly the simulator's live objects, with their data (invoices with every
     * line), and each deleted object the table knows is marked deleted (or, removed, is not there).
     */
    public static void assertMatches(DatabaseUrl db, StripeSimulator sim, String resource, DeletionMode deletes)
            throws Exception {
        Map<String, String> truth = canonical(sim.objects(null, resource, true));
        try (Database d = Database.open(db)) {
            Map<String, String> live = canonical(TableDigest.liveData(d, StripeBackfill.NAMESPACE, resource));
            assertThat(live.keySet()).as("live ids of %s", resource).isEqualTo(truth.keySet());
            for (String id : truth.keySet()) {
                assertThat(live.get(id)).as("data of %s/%s", resource, id).isEqualTo(truth.get(id));
            }
            var rows = StoredRows.of(d, StripeBackfill.NAMESPACE, resource);
            for (String id : sim.deletedIds(null, resource)) {
                if (deletes == DeletionMode.REMOVE) {
                    assertThat(rows).as("%s/%s removed", resource, id).doesNotContainKey(id);
                } else if (rows.containsKey(id)) {
                    assertThat(rows.get(id).deleted()).as("%s/%s marked deleted", resource, id).isTrue();
                }
            }
            assertThat(StateDigest.of(TableDigest.liveData(d, StripeBackfill.NAMESPACE, resource)))
                    .isEqualTo(sim.stateDigest(null, resource, true));
        }
    }

    private static Map<String, String> canonical(Map<String, String> objects) {
        Map<String, String> out = new TreeMap<>();
        objects.forEach((id, json) -> out.put(id, StateDigest.canonical(json)));
        return out;
    }
}
