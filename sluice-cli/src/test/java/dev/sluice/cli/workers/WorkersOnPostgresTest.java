package dev.sluice.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.support.SimBackfill;
import dev.sluice.cli.support.SluiceProcess;
import dev.sluice.cli.support.Workers;
import dev.sluice.sim.stripe.Profile;
import dev.sluice.sim.stripe.Stats;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several {@code sluice backfill stripe} processes on one job on PostgreSQL cooperate through leased segments: they
 * do the work once between them, a killed one's segments are taken over after its lease, and a paused one that lost
 * its leases (a zombie) writes nothing when it wakes up.
 */
class WorkersOnPostgresTest {
    private static final List<String> RESOURCES = List.of("customers", "charges");
    private static final int SIM_RPS = 30;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failure leaves the workers' logs behind
    Path dir;

    private static StripeSimConfig sim(long seed, int objects) {
        return StripeSimConfig.builder().port(0).now(1_760_000_000L).seed(seed).resources(RESOURCES)
                .objects(objects).profile(Profile.SPIKES).rps(SIM_RPS).latencyMs(40).latencyJitterMs(10).build();
    }

    private static List<String> flags(String job, int workers, Duration lease) {
        return List.of("--job", job, "--resources", String.join(",", RESOURCES), "--rps",
                String.valueOf(SIM_RPS / (double) workers), "--lease", lease.toMillis() + "ms", "--max-attempts", "20");
    }

    @Test
    void threeWorkersKilledAtRandomAndRestartedCopyEverythingOnceWithinTheLimit() throws Exception {
        DatabaseUrl db = TestDatabases.postgres();
        Duration lease = Duration.ofSeconds(5); // the machine is shared: a shorter lease is lost to CPU starvation
        SplittableRandom random = new SplittableRandom(16);
        try (StripeSimulator sim = StripeSimulator.start(sim(21, 40_000))) {
            Workers workers = new Workers(dir, sim, db, flags("three", 3, lease));
            try (workers) {
            List<SluiceProcess> running = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                running.add(workers.start("w" + i));
            }
            List<Double> takeovers = new ArrayList<>();
            for (int kill = 0; kill < 3; kill++) {
                int served = sim.requestLog().size() + 20 + random.nextInt(60);
                Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(10))
                        .until(() -> sim.requestLog().size() >= served || running.stream().noneMatch(SluiceProcess::isAlive));
                int victim = random.nextInt(3);
                SluiceProcess dead = running.get(victim);
                if (!dead.isAlive()) {
                    break;
                }
                dead.kill();
                long killedAt = System.nanoTime();
                running.set(victim, workers.start("w" + victim + "-" + kill));
                // Its segments go to live processes within one lease (plus a claim poll and a JVM start).
                Awaitility.await().atMost(lease.plusSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> workers.ownedBy(dead.pid()) == 0);
                double took = (System.nanoTime() - killedAt) / 1e9;
                takeovers.add(took);
                System.out.printf("kill %d of process %d: its segments were taken over after %.2f s%n", kill,
                        dead.pid(), took);
                // The bound is a lease plus a claim poll; the slack is for this shared, overloaded test machine (the
                // bench measures it on a quiet one).
                assertThat(took).as("takeover after a kill").isLessThanOrEqualTo(lease.toMillis() / 1000.0 + 5);
            }
            for (SluiceProcess p : running) {
                assertThat(p.process().waitFor(180, TimeUnit.SECONDS)).as("%s finished", p).isTrue();
                assertThat(p.process().exitValue()).as("%s exit code; stderr: %s", p, p.stderr()).isZero();
            }
            assertThat(takeovers).isNotEmpty();
            for (String r : RESOURCES) {
                assertThat(SimBackfill.sink(db, r)).as(r).isEqualTo(SimBackfill.source(sim, r, null, null));
            }
            Stats stats = sim.stats();
            System.out.printf("requests %d, 429s %d, busiest second %d (limit %d + burst %d)%n", stats.requests(),
                    stats.count(429), stats.maxRequestsInAny1sWindow(), SIM_RPS, sim.config().burst());
            assertThat(stats.maxRequestsInAny1sWindow()).isLessThanOrEqualTo(SIM_RPS + sim.config().burst());
            SluiceProcess late = workers.start("late");
            assertThat(late.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(late.process().exitValue()).as(late.stderr()).isZero();
            }
        }
    }

    @Test
    @Disabled("Its premise does not hold yet: it expects every open segment to be leased by the other worker when the"
            + " zombie wakes, but a live process claims at most four segments a poll and splits leave open rows, so the"
            + " woken zombie may legitimately claim fresh work (epochs bump, a split appears) and the snapshot differs."
            + " Fencing itself is proven in LeasedLedgerTest (a lost lease's commit rolls back whole); this end-to-end"
            + " test needs a snapshot of only the zombie's former segments and their rows (issue 16).")
    void aPausedWorkerThatLostItsLeasesWritesNothingWhenItWakes() throws Exception {
        DatabaseUrl db = TestDatabases.postgres();
        Duration lease = Duration.ofSeconds(5);
        try (StripeSimulator sim = StripeSimulator.start(sim(22, 40_000))) {
            Workers workers = new Workers(dir, sim, db, flags("zombie", 2, lease));
            try (workers) {
            SluiceProcess zombie = workers.start("zombie");
            Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(10))
                    .until(() -> sim.requestLog().size() >= 30);
            Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(10))
                    .until(() -> workers.ownedBy(zombie.pid()) > 0);
            zombie.pause();
            // Started while the zombie sleeps holding leases (so the test does not hang on how the work happened
            // to be shared out): the other takes the zombie's segments over once their leases end, and goes on.
            SluiceProcess other = workers.start("other");
            Awaitility.await().atMost(lease.plusSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> workers.ownedBy(zombie.pid()) == 0 && workers.ownedBy(other.pid()) > 0);
            int servedAtTakeover = sim.requestLog().size();
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                    .until(() -> sim.requestLog().size() >= servedAtTakeover + 20);
            other.pause();
            long otherPausedAt = System.currentTimeMillis();
            String before = workers.snapshot("zombie", RESOURCES);
            zombie.resume();
            // The zombie finds its leases lost; while the other's leases still run, it has nothing to write.
            Awaitility.await().atMost(lease).pollInterval(Duration.ofMillis(20))
                    .until(() -> zombie.stderr().contains("lost"));
            assertThat(workers.snapshot("zombie", RESOURCES)).as("rows and checkpoints after the zombie woke")
                    .isEqualTo(before);
            assertThat(System.currentTimeMillis()).as("checked while the other's leases still ran")
                    .isLessThan(otherPausedAt + lease.toMillis());
            other.resume();
            for (SluiceProcess p : List.of(zombie, other)) {
                assertThat(p.process().waitFor(180, TimeUnit.SECONDS)).as("%s finished", p).isTrue();
                assertThat(p.process().exitValue()).as("%s exit code; stderr: %s", p, p.stderr()).isZero();
            }
            for (String r : RESOURCES) {
                assertThat(SimBackfill.sink(db, r)).as(r).isEqualTo(SimBackfill.source(sim, r, null, null));
            }
            }
        }
    }
}
