package dev.sluice.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.CommandFailure;
import dev.sluice.cli.support.SimBackfill;
import dev.sluice.cli.support.SluiceProcess;
import dev.sluice.sim.stripe.Profile;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JobLock;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On SQLite a job runs in one process: a second {@code sluice backfill} on a running job is refused (exit 3) with the
 * owner's pid and host, instead of fetching and writing everything a second time; once the owner is gone — even by
 * {@code kill -9} — the next process resumes at once, with no lease to wait out.
 */
class SqliteSecondProcessTest {
    private static final List<String> RESOURCES = List.of("customers", "charges");

    @TempDir
    Path dir;

    @Test
    void aSecondProcessIsRefusedAndAKilledOwnerDoesNotBlockTheResume() throws Exception {
        StripeSimConfig config = StripeSimConfig.builder().port(0).now(1_760_000_000L).seed(5).resources(RESOURCES)
                .objects(40_000).profile(Profile.UNIFORM).rps(1_000_000).latencyMs(4).latencyJitterMs(2).build();
        Path file = dir.resolve("lock.db");
        DatabaseUrl db = DatabaseUrl.parse("sqlite:" + file);
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            // The owner runs slowly (a minute at 15 requests/s), so it is still running however long the second JVM takes.
            SluiceProcess owner = SluiceProcess.start(dir, "owner", args(sim, file, 15));
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> !owner.isAlive() || sim.requestLog().size() >= 10);
            assertThat(owner.isAlive()).as("the owner is still running after 10 pages").isTrue();

            SluiceProcess second = SluiceProcess.start(dir, "second", args(sim, file, 60));
            assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).as("the second process ended").isTrue();
            assertThat(second.process().exitValue()).isEqualTo(CommandFailure.CANNOT_START);
            assertThat(second.stderr()).contains("job lock-test is running in process " + owner.pid() + " on host "
                    + InetAddress.getLocalHost().getHostName() + "; use PostgreSQL to run several workers");
            assertThat(owner.isAlive()).as("the owner runs on").isTrue();

            owner.kill();
            assertThat(JobLock.lockFile(file, "lock-test")).exists();
            SluiceProcess resume = SluiceProcess.start(dir, "resume", args(sim, file, 200));
            assertThat(resume.process().waitFor(120, TimeUnit.SECONDS)).as("the resume finished").isTrue();
            assertThat(resume.process().exitValue()).as(resume.stderr()).isZero();
            for (String r : RESOURCES) {
                assertThat(SimBackfill.sink(db, r)).isEqualTo(SimBackfill.source(sim, r, null, null));
            }
            assertThat(Files.readString(JobLock.lockFile(file, "lock-test"))).contains("pid " + resume.pid());
        }
    }

    private static List<String> args(StripeSimulator sim, Path file, int rps) {
        return List.of("backfill", "stripe", "--base-url", sim.baseUrl(), "--api-key", "sk_test_lock",
                "--db", "sqlite:" + file, "--resources", String.join(",", RESOURCES), "--rps", String.valueOf(rps),
                "--job", "lock-test", "--quiet");
    }
}
