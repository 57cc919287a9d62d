package dev.sluice.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.cli.IdlePriority;
import dev.sluice.replay.govern.Mode;
import dev.sluice.sim.jetstream.JetstreamSimConfig;
import dev.sluice.sim.jetstream.JetstreamSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --cpu-priority}: idle by default in background, normal otherwise, the flag overriding the mode; and on Linux
 * a real {@code sluice replay} process at idle priority, read back from {@code /proc}: the command relaunches itself
 * in a session of its own, at autogroup nice 19, every thread {@code SCHED_IDLE}, while the process the user started
 * stays in the user's session at normal priority.
 */
class CpuPriorityTest {
    @TempDir
    Path dir;

    @Test
    void backgroundDefaultsToIdleTheOtherModesToNormalAndTheFlagOverrides() {
        assertThat(CpuPriority.of(null, Mode.BACKGROUND)).isEqualTo(CpuPriority.IDLE);
        assertThat(CpuPriority.of(" ", Mode.BALANCED)).isEqualTo(CpuPriority.NORMAL);
        assertThat(CpuPriority.of(null, Mode.FAST)).isEqualTo(CpuPriority.NORMAL);
        assertThat(CpuPriority.of("normal", Mode.BACKGROUND)).isEqualTo(CpuPriority.NORMAL);
        assertThat(CpuPriority.of("IDLE", Mode.FAST)).isEqualTo(CpuPriority.IDLE);
        assertThatThrownBy(() -> CpuPriority.of("low", Mode.FAST))
                .hasMessage("--cpu-priority must be idle or normal, was 'low'");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void anIdleReplayRunsInItsOwnSessionAtAutogroupNice19WithEveryThreadIdle() throws Exception {
        assumeTrue(IdlePriority.unsupported() == null, "setsid and chrt are needed");
        try (JetstreamSimulator sim = JetstreamSimulator.start(JetstreamSimConfig.builder().port(0).events(2_000)
                .hours(1).rate(50).build())) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process parent = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                    "dev.sluice.cli.Main", "replay", "jetstream", "--url", sim.uri().toString(), "--db",
                    "sqlite:" + dir.resolve("idle.db"), "--since", "2h", "--mode", "fast", "--cpu-priority", "idle",
                    "--follow", "--quiet")).redirectOutput(dir.resolve("out").toFile())
                    .redirectError(dir.resolve("err").toFile()).start();
            try {
                ProcessHandle child = Awaitility.await().atMost(Duration.ofMinutes(2))
                        .until(() -> parent.toHandle().children().findFirst(), Optional::isPresent).orElseThrow();
                IdlePriority.Reading r = Awaitility.await().atMost(Duration.ofMinutes(2))
                        .until(() -> IdlePriority.read(child.pid()), IdlePriority.Reading::idle);
                assertThat(r.sessionLeader()).isTrue();
                if (r.autogroupNice().isPresent()) {
                    assertThat(r.autogroupNice().getAsInt()).isEqualTo(19);
                }
                assertThat(r.idleThreads()).isEqualTo(r.threads()).isGreaterThan(5);
                IdlePriority.Reading mine = IdlePriority.read(parent.pid());
                assertThat(mine.sessionLeader()).as("the process the user started stays in the user's session")
                        .isFalse();
                assertThat(mine.idleThreads()).isZero();
                child.destroyForcibly();
                parent.destroyForcibly();
            } finally {
                parent.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                parent.destroyForcibly();
            }
        }
    }
}
