package dev.sluice.cli.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.GracefulStop;
import dev.sluice.cli.support.SimSync;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.testing.RestartablePostgres;
import dev.sluice.sync.DeletionMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code sluice sync stripe --follow} process while the simulator changes its objects: SIGTERM (what Ctrl-C
 * and {@code kill} send) stops it after the commit under way, with its summary; and a PostgreSQL restart under it is
 * ridden out within {@code --db-retry-for}. Either way the tables end equal to the simulator's state.
 */
class SyncFollowProcessTest {
    private static final List<String> RESOURCES = List.of("customers", "products");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DOWN = Duration.ofSeconds(6);

    @TempDir
    Path dir;

    private static StripeSimConfig account(long seed) {
        return StripeSimConfig.builder().port(0).seed(seed).objects(200).resources(RESOURCES).rps(100_000).build();
    }

    /** {@code n} changes at once: updates (often several of one object in a second), creations and deletions. */
    private static void change(StripeSimulator sim, SplittableRandom random, int n) {
        for (int i = 0; i < n; i++) {
            String resource = RESOURCES.get(random.nextInt(RESOURCES.size()));
            int dice = random.nextInt(20);
            if (dice == 0) {
                sim.delete(null, resource, null);
            } else if (dice == 1) {
                sim.create(null, resource);
            } else {
                sim.update(null, resource, null);
            }
        }
    }

    @Test
    void sigtermStopsTheFollowAfterItsCommitWithASummaryAndTheResumeEndsEqualToTheSource() throws Exception {
        DatabaseUrl db = DatabaseUrl.parse("sqlite:" + dir.resolve("follow.db"));
        SplittableRandom random = new SplittableRandom(31);
        try (StripeSimulator sim = StripeSimulator.start(account(31))) {
            Path out = dir.resolve("follow.json");
            Process follow = start(sim, db, out, "--follow");
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .failFast(() -> !follow.isAlive()).until(() -> following(db));
            change(sim, random, 300);
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .failFast(() -> !follow.isAlive())
                    .until(() -> appliedEvents(db) >= 100); // backfilled, then following the changes
            change(sim, random, 300); // not yet read when the stop comes: the resume applies them
            long sent = System.nanoTime();
            follow.destroy(); // SIGTERM on Linux: the shutdown hook stops the sync after its commit
            assertThat(follow.waitFor(GracefulStop.GRACE.toSeconds(), TimeUnit.SECONDS)).as("exited").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("stopped at once, not at the grace's end")
                    .isLessThan(Duration.ofSeconds(10));
            assertThat(follow.exitValue()).as("the JVM's exit code after SIGTERM").isEqualTo(143);
            JsonNode summary = lastLine(out);
            assertThat(summary.get("stopped").asBoolean()).isTrue();
            long committed = appliedEvents(db);
            assertThat(committed).isPositive();

            awaitTheLastChangeReadable(sim);
            Process resume = start(sim, db, dir.resolve("resume.json"));
            assertThat(resume.waitFor(60, TimeUnit.SECONDS)).as("the resume finished").isTrue();
            assertThat(resume.exitValue()).as("exit code of the resume").isZero();
            JsonNode resumed = lastLine(dir.resolve("resume.json"));
            assertThat(resumed.get("steps").toString()).doesNotContain("backfill");
            assertThat(resumed.get("changes_applied").asLong()).isPositive();
            for (String r : RESOURCES) {
                SimSync.assertMatches(db, sim, r, DeletionMode.TOMBSTONE);
            }
            assertThat(appliedEvents(db)).isGreaterThan(committed);
        }
    }

    @Test
    void aPostgresRestartUnderAFollowingSyncIsRiddenOut() throws Exception {
        SplittableRandom random = new SplittableRandom(32);
        try (RestartablePostgres pg = RestartablePostgres.start(dir.resolve("pg"));
             StripeSimulator sim = StripeSimulator.start(account(32))) {
            DatabaseUrl db = pg.newDatabase();
            Path log = dir.resolve("restart.log");
            Process follow = start(sim, db, dir.resolve("restart.json"), log, "--follow", "--db-retry-for", "60s");
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .failFast(() -> !follow.isAlive()).until(() -> following(db));
            change(sim, random, 300);
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .failFast(() -> !follow.isAlive())
                    .until(() -> appliedEvents(db) >= 100);
            pg.stop();
            change(sim, random, 300); // read by the polls while the database is away
            Thread.sleep(DOWN.toMillis()); // the outage itself, not a wait for a condition: polls fall inside it
            assertThat(follow.isAlive()).as("still following while the database is away").isTrue();
            pg.startAgain();

            awaitTheLastChangeReadable(sim);
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .failFast(() -> !follow.isAlive())
                    .untilAsserted(() -> {
                        for (String r : RESOURCES) {
                            SimSync.assertMatches(db, sim, r, DeletionMode.TOMBSTONE);
                        }
                    });
            follow.destroy();
            assertThat(follow.waitFor(GracefulStop.GRACE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            String err = Files.readString(log);
            assertThat(err).contains("is unavailable (").contains(" is back after ");
            assertThat(lastLine(dir.resolve("restart.json")).get("stopped").asBoolean()).isTrue();
        }
    }

    /** Waits until the last change's event is older than the events lag (2 s) plus a second. */
    private static void awaitTheLastChangeReadable(StripeSimulator sim) {
        long lastChange = sim.changes().getLast().atMillis() / 1000;
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> System.currentTimeMillis() / 1000 - 2 > lastChange + 1);
    }

    private Process start(StripeSimulator sim, DatabaseUrl db, Path out, String... more) throws Exception {
        return start(sim, db, out, dir.resolve("child-" + System.nanoTime() + ".log"), more);
    }

    private Process start(StripeSimulator sim, DatabaseUrl db, Path out, Path err, String... more) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.sluice.cli.Main", "sync", "stripe", "--base-url", sim.baseUrl(), "--api-key", "sk_test_follow",
                "--db", db.toString(), "--resources", String.join(",", RESOURCES), "--rps", "100",
                "--job", "follow", "--events-lag", "2s", "--poll-interval", "1s", "--json"));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("SLUICE_LOG", "warn");
        pb.environment().remove("STRIPE_API_KEY");
        return pb.start();
    }

    private static JsonNode lastLine(Path out) throws Exception {
        String[] lines = Files.readString(out).strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static long appliedEvents(DatabaseUrl db) {
        return count(db, "SELECT count(*) FROM sluice_applied_events");
    }

    /** The backfill is over: the job follows events. */
    private static boolean following(DatabaseUrl db) {
        return count(db, "SELECT count(*) FROM sluice_sync_cursors WHERE job = 'follow' AND phase = 'EVENTS'") == 1;
    }

    private static long count(DatabaseUrl db, String sql) {
        try (Database d = Database.open(db); Connection c = d.dataSource().getConnection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception notYet) {
            return 0; // the table is not there yet, or the database is away
        }
    }
}
