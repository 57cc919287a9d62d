package dev.sluice.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.replay.Event;
import dev.sluice.sim.jetstream.JetstreamSimConfig;
import dev.sluice.sim.jetstream.JetstreamSimulator;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcReplaySink;
import dev.sluice.store.ReplayTables;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a running {@code sluice replay jetstream --mode fast} process with SIGKILL at random moments (measured in
 * events the simulator has sent it, not in wall time, which would land in JVM start-up), resuming each time, on SQLite
 * and PostgreSQL. The checkpoint never moves back, and once a run finishes the tables equal the fold of every event
 * below the final checkpoint: nothing lost, nothing applied twice in effect. The first run starts on empty tables, so
 * it loads COPY-first until it is killed; the resumed runs find rows and check every one.
 */
class ReplayKillAndResumeTest {
    private static final int KILLS = 3;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void sigkillAtRandomMomentsDuringFastThenResumeLosesNothing(DatabaseUrl.Kind kind) throws Exception {
        // PostgreSQL applies more slowly here than SQLite: a shorter history keeps the two runs' time alike.
        int events = kind == DatabaseUrl.Kind.SQLITE ? 50_000 : 25_000;
        JetstreamSimConfig config = JetstreamSimConfig.builder().port(0).events(events).hours(1).dids(2_000).seed(3)
                .rate(2_000).retention(Duration.ofHours(2)).build(); // no clamping while the test runs
        DatabaseUrl db = TestDatabases.fresh(kind, dir);
        SplittableRandom random = new SplittableRandom(2026);
        try (JetstreamSimulator sim = JetstreamSimulator.start(config)) {
            long start = sim.oldestUs();
            int kills = 0;
            long lastCheckpoint = Long.MIN_VALUE;
            while (true) {
                long sentBefore = sim.stats().eventsSent();
                Process child = start(sim, db, start);
                boolean exited;
                if (kills < KILLS) {
                    long killAfter = 2_000 + random.nextInt(events * 2 / 3);
                    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(5))
                            .until(() -> !child.isAlive() || sim.stats().eventsSent() - sentBefore >= killAfter);
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
                    assertThat(child.exitValue()).as("exit code of the final run").isZero();
                }
                long cp = checkpoint(db).orElse(Long.MIN_VALUE);
                assertThat(cp).as("checkpoint after run %d", kills).isGreaterThanOrEqualTo(lastCheckpoint);
                lastCheckpoint = cp;
                if (exited) {
                    break;
                }
            }
            assertThat(kills).isEqualTo(KILLS);
            List<Event> applied = new ArrayList<>();
            sim.events(start, lastCheckpoint).forEachRemaining(applied::add);
            assertThat(applied.size()).isGreaterThanOrEqualTo(events);
            try (Database d = Database.open(db)) {
                assertThat(ReplayTables.digest(d)).isEqualTo(ReplayTables.expectedDigest(applied));
            }
        }
    }

    private static OptionalLong checkpoint(DatabaseUrl db) {
        try (Database d = Database.open(db)) {
            return new JdbcReplaySink(d, Clock.system()).checkpoint("kill");
        }
    }

    private Process start(JetstreamSimulator sim, DatabaseUrl db, long cursor) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        // A heap of its own, so the command does not relaunch itself to bound it: the process killed is the one working.
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.sluice.cli.Main", "replay", "jetstream", "--url", sim.uri().toString(),
                "--db", db.toString(), "--cursor", Long.toString(cursor), "--mode", "fast",
                "--job", "kill", "--json"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("child-" + System.nanoTime() + ".log").toFile());
        pb.environment().put("SLUICE_LOG", "warn");
        return pb.start();
    }
}
