package dev.sluice.cli.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.Main;
import dev.sluice.cli.support.SimSync;
import dev.sluice.cli.testing.CapturedOutput;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.sync.DeletionMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cursor older than the events are kept, both ways, through the command line: {@code --on-expired fail} exits 1
 * naming the job and the cursor's age and changes nothing; {@code rebackfill} says so, backfills again, and rows of
 * objects deleted while no events could be read become deletions.
 */
class SyncExpiryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> RESOURCES = List.of("customers", "products");

    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @TempDir
    Path dir;

    private int sync(StripeSimulator sim, DatabaseUrl db, String... more) {
        List<String> args = new ArrayList<>(List.of("sync", "stripe", "--base-url", sim.baseUrl(),
                "--api-key", "sk_test_expiry", "--db", db.toString(), "--resources",
                String.join(",", RESOURCES), "--rps", "1000", "--job", "exp", "--events-lag", "1s",
                "--events-retention", "15s", "--json", "--quiet"));
        args.addAll(List.of(more));
        io.resetOut();
        return Main.run(args.toArray(String[]::new));
    }

    private JsonNode summary() throws Exception {
        String[] lines = io.out().strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void anExpiredCursorFailsWhenToldToAndOtherwiseBackfillsAgainAndMarksWhatWentMissing(Kind kind) throws Exception {
        StripeSimConfig config = StripeSimConfig.builder().port(0).seed(5).objects(200).resources(RESOURCES)
                .rps(100_000).eventsRetention(Duration.ofSeconds(15)).build();
        DatabaseUrl db = TestDatabases.fresh(kind, dir);
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            assertThat(sync(sim, db)).isZero();
            long cursor = summary().get("cursor").asLong();
            String gone = sim.delete(null, "customers", null).objectId();
            String goneProduct = sim.delete(null, "products", null).objectId();
            sim.update(null, "customers", null);
            Awaitility.await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                    .until(() -> System.currentTimeMillis() / 1000 - cursor > 15);

            assertThat(sync(sim, db, "--on-expired", "fail")).isEqualTo(1);
            assertThat(io.err()).contains("job 'exp'").contains("events cursor is").contains("old")
                    .contains("--on-expired rebackfill");

            assertThat(sync(sim, db)).isZero();
            JsonNode s = summary();
            assertThat(s.get("steps").toString()).isEqualTo("[\"backfill_expired\",\"events\"]");
            assertThat(s.get("deleted_by_backfill").asLong()).isEqualTo(2);
            assertThat(io.err()).contains("past the events' retention; running a fresh backfill");
            for (String r : RESOURCES) {
                SimSync.assertMatches(db, sim, r, DeletionMode.TOMBSTONE);
            }
            assertThat(sim.deletedIds(null, "customers")).contains(gone);
            assertThat(sim.deletedIds(null, "products")).contains(goneProduct);
        }
    }
}
