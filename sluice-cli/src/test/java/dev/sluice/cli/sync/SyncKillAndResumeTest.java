package dev.sluice.cli.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.support.SimSync;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.sync.DeletionMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code sluice sync stripe} process killed with SIGKILL at random moments while it applies thousands of
 * events, then resumed: the final tables equal the simulator's state, and across the runs every event was applied
 * exactly once — what a killed run committed is recognised by the resume, what it had not committed is applied by
 * it.
 */
class SyncKillAndResumeTest {
    private static final List<String> RESOURCES = List.of("customers", "products");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KILLS = 3;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void sigkillDuringTheCatchUpThenResumeAppliesEachEventOnce(Kind kind) throws Exception {
        StripeSimConfig config = StripeSimConfig.builder().port(0).seed(21).objects(300).resources(RESOURCES)
                .rps(100_000).build();
        DatabaseUrl db = TestDatabases.fresh(kind, dir);
        SplittableRandom random = new SplittableRandom(77);
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            SimSync.run(SimSync.options(sim, db, RESOURCES, "kill"), SimSync.config(), DeletionMode.TOMBSTONE);
            long before = sim.changes().size();
            for (int i = 0; i < 3_000; i++) {
                if (i % 40 == 0) {
                    sim.delete(null, RESOURCES.get(i % 2), null);
                } else {
                    sim.update(null, "customers", null);
                }
            }
            int events = sim.changes().size() - (int) before;
            long lastChange = sim.changes().getLast().atMillis() / 1000;
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> System.currentTimeMillis() / 1000 - 2 > lastChange + 1);

            for (int kill = 0; kill < KILLS; kill++) {
                long served = sim.stats().requests();
                Process child = start(sim, db);
                long after = 3 + random.nextInt(25);
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                        .until(() -> !child.isAlive() || sim.stats().requests() - served >= after);
                assertThat(child.isAlive()).as("run %d still catching up after %d requests", kill, after).isTrue();
                child.destroyForcibly().waitFor(); // SIGKILL on Linux: no shutdown hook runs
            }
            long committed = appliedEvents(db);
            Process resume = start(sim, db);
            assertThat(resume.waitFor(120, TimeUnit.SECONDS)).as("the resume finished").isTrue();
            assertThat(resume.exitValue()).as("exit code of the resume").isZero();
            JsonNode summary = summary(resume);
            // The resume processed exactly the events no killed run had committed.
            assertThat(summary.get("changes_applied").asLong() + summary.get("changes_skipped").asLong())
                    .isEqualTo(events - committed);
            assertThat(appliedEvents(db)).isEqualTo(events);
            for (String r : RESOURCES) {
                SimSync.assertMatches(db, sim, r, DeletionMode.TOMBSTONE);
            }
        }
    }

    private Process start(StripeSimulator sim, DatabaseUrl db) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.sluice.cli.Main", "sync", "stripe", "--base-url", sim.baseUrl(), "--api-key", "sk_test_kill",
                "--db", db.toString(), "--resources", String.join(",", RESOURCES),
                "--rps", "40", "--job", "kill", "--events-lag", "2s", "--json"));
        Path out = dir.resolve("out-" + System.nanoTime() + ".json");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(dir.resolve("child-" + System.nanoTime() + ".log").toFile());
        pb.environment().put("SLUICE_LOG", "warn");
        pb.environment().remove("STRIPE_API_KEY");
        Process p = pb.start();
        outputs.put(p, out);
        return p;
    }

    private final Map<Process, Path> outputs = new HashMap<>();

    private JsonNode summary(Process p) throws Exception {
        String[] lines = Files.readString(outputs.get(p)).strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static long appliedEvents(DatabaseUrl db) throws Exception {
        try (Database d = Database.open(db); Connection c = d.dataSource().getConnection();
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM sluice_applied_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
