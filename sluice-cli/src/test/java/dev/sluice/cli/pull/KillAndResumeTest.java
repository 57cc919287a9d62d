package dev.sluice.cli.pull;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.GracefulStop;
import dev.sluice.cli.support.SimBackfill;
import dev.sluice.pull.Checkpoint;
import dev.sluice.sim.stripe.Profile;
import dev.sluice.sim.stripe.ServedRequest;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcRecordSink;
import dev.sluice.time.Clock;
import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a running {@code sluice backfill} process with SIGKILL at random moments, resuming each time. Nothing a
 * killed run committed is fetched again, each resume re-fetches at most one page per segment that was in flight,
 * and the finished sink equals the source.
 */
class KillAndResumeTest {
    private static final List<String> RESOURCES = List.of("customers", "charges");
    private static final int MAX_CONCURRENCY = 8;
    private static final int KILLS = 5;

    @TempDir
    Path dir;

    @Test
    void sigkillAtRandomMomentsThenResumeLosesNothingAndRefetchesLittle() throws Exception {
        StripeSimConfig config = StripeSimConfig.builder().port(0).now(1_760_000_000L).seed(13).resources(RESOURCES)
                .objects(50_000).profile(Profile.SPIKES).rps(1_000_000).latencyMs(4).latencyJitterMs(2).build();
        DatabaseUrl db = DatabaseUrl.parse("sqlite:" + dir.resolve("kill.db"));
        SplittableRandom random = new SplittableRandom(2024);
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            int kills = 0;
            int runs = 0;
            Set<String> committed = Set.of();
            while (true) {
                long startedAt = System.nanoTime();
                Process child = start(sim, db);
                runs++;
                boolean exited;
                if (kills < KILLS) {
                    // A random moment of the run itself, measured in pages served to this process, not in wall time
                    // (which would mostly land in the JVM's start-up).
                    int killAfterPages = 5 + random.nextInt(115);
                    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                            .until(() -> !child.isAlive() || servedSince(sim, startedAt).size() >= killAfterPages);
                    exited = !child.isAlive();
                } else {
                    exited = child.waitFor(120, TimeUnit.SECONDS);
                }
                if (!exited) {
                    if (kills >= KILLS) {
                        child.destroyForcibly();
                        throw new AssertionError("the final run did not finish");
                    }
                    child.destroyForcibly().waitFor(); // SIGKILL on Linux: no shutdown hook runs
                    kills++;
                } else {
                    assertThat(child.exitValue()).as("exit code of run %d", runs).isZero();
                }
                List<ServedRequest> log = servedSince(sim, startedAt);
                // Nothing committed before this run started was fetched again in it.
                Set<String> before = committed;
                for (ServedRequest r : log) {
                    assertThat(r.ids().stream().filter(before::contains).toList())
                            .as("run %d re-fetched committed objects", runs).isEmpty();
                }
                // What this run fetched again from the run killed before it: at most one page per segment in flight.
                long refetchedPages = pagesReturningAny(log, previouslyServedUncommitted);
                Set<String> refetched = servedIds(log);
                refetched.retainAll(previouslyServedUncommitted);
                System.out.printf("run %d: %s, %d pages served; %d objects (in %d pages) fetched again from the run "
                        + "killed before%n", runs, exited ? "finished" : "killed", log.size(), refetched.size(), refetchedPages);
                // What a kill can lose is the pages in flight: at most one per segment, so at most
                // max-concurrency pages of 100 objects. (A lost page may straddle two pages when re-read.)
                assertThat(refetched.size()).as("objects re-fetched by run %d", runs)
                        .isLessThanOrEqualTo(100 * MAX_CONCURRENCY);
                committed = committedIds(db);
                previouslyServedUncommitted = servedIds(log);
                previouslyServedUncommitted.removeAll(committed);
                if (exited) {
                    break;
                }
            }
            assertThat(kills).as("runs killed while serving pages").isEqualTo(KILLS);
            for (String r : RESOURCES) {
                assertThat(SimBackfill.sink(db, r)).isEqualTo(SimBackfill.source(sim, r, null, null));
                try (Database d = Database.open(db); JdbcRecordSink sink = new JdbcRecordSink(d, Clock.system())) {
                    Checkpoint cp = sink.checkpoint("kill", r).orElseThrow();
                    assertThat(cp.done()).isTrue();
                }
            }
        }
    }

    /**
     * SIGTERM (what Ctrl-C and {@code kill} send) is the graceful stop: the process stops fetching, lets the pages in
     * flight commit, and exits within the grace period. Everything it was served is then committed, so the resume
     * fetches nothing twice.
     */
    @Test
    void sigtermStopsAfterThePagesInFlightCommitSoTheResumeFetchesNothingTwice() throws Exception {
        StripeSimConfig config = StripeSimConfig.builder().port(0).now(1_760_000_000L).seed(17).resources(RESOURCES)
                .objects(20_000).profile(Profile.UNIFORM).rps(1_000_000).latencyMs(4).latencyJitterMs(2).build();
        DatabaseUrl db = DatabaseUrl.parse("sqlite:" + dir.resolve("term.db"));
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            long startedAt = System.nanoTime();
            Process child = start(sim, db);
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> !child.isAlive() || servedSince(sim, startedAt).size() >= 40);
            assertThat(child.isAlive()).as("still running after 40 pages").isTrue();
            child.destroy(); // SIGTERM on Linux: the shutdown hook runs
            assertThat(child.waitFor(GracefulStop.GRACE.toSeconds() + 30, TimeUnit.SECONDS))
                    .as("exited after SIGTERM").isTrue();
            Set<String> served = servedIds(servedSince(sim, startedAt));
            Set<String> committed = committedIds(db);
            assertThat(served).as("every object served before the stop is committed").isSubsetOf(committed);

            long resumedAt = System.nanoTime();
            Process resume = start(sim, db);
            assertThat(resume.waitFor(120, TimeUnit.SECONDS)).as("the resume finished").isTrue();
            assertThat(resume.exitValue()).isZero();
            for (ServedRequest r : servedSince(sim, resumedAt)) {
                assertThat(r.ids().stream().filter(committed::contains).toList())
                        .as("the resume fetched committed objects again").isEmpty();
            }
            for (String r : RESOURCES) {
                assertThat(SimBackfill.sink(db, r)).isEqualTo(SimBackfill.source(sim, r, null, null));
            }
        }
    }

    private Set<String> previouslyServedUncommitted = new HashSet<>();

    private Process start(StripeSimulator sim, DatabaseUrl db) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.sluice.cli.Main", "backfill", "stripe", "--base-url", sim.baseUrl(), "--api-key", "sk_test_kill",
                "--db", "sqlite:" + db.file().orElseThrow(), "--resources", String.join(",", RESOURCES),
                "--rps", "100", "--max-concurrency", String.valueOf(MAX_CONCURRENCY), "--job", "kill", "--json"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("child-" + System.nanoTime() + ".log").toFile());
        pb.environment().put("SLUICE_LOG", "warn");
        pb.environment().remove("STRIPE_API_KEY");
        return pb.start();
    }

    private static List<ServedRequest> servedSince(StripeSimulator sim, long nanos) {
        List<ServedRequest> out = new ArrayList<>();
        for (ServedRequest r : sim.requestLog()) {
            if (r.arrivalNanos() >= nanos && r.status() == 200) {
                out.add(r);
            }
        }
        return out;
    }

    private static Set<String> servedIds(List<ServedRequest> log) {
        Set<String> ids = new HashSet<>();
        for (ServedRequest r : log) {
            ids.addAll(r.ids());
        }
        return ids;
    }

    private static long pagesReturningAny(List<ServedRequest> log, Set<String> ids) {
        return log.stream().filter(r -> r.ids().stream().anyMatch(ids::contains)).count();
    }

    private static Set<String> committedIds(DatabaseUrl db) throws Exception {
        Set<String> ids = new HashSet<>();
        if (!new File(db.file().orElseThrow().toString()).exists()) {
            return ids;
        }
        try (Database d = Database.open(db); Connection c = d.dataSource().getConnection()) {
            for (String r : RESOURCES) {
                if (!d.dialect().tableExists(c, "stripe", r)) {
                    continue;
                }
                try (ResultSet rs = c.createStatement().executeQuery("select id from " + d.dialect().tableName("stripe", r))) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
        }
        return ids;
    }
}
