package dev.sluice.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.replay.govern.ForegroundProbe;
import dev.sluice.replay.govern.ForegroundSample;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The canary's latency without the time the probing thread itself waited for a CPU, from a schedstat file. */
class SchedulingDelayProbeTest {
    @TempDir
    Path dir;

    /** A canary that takes 5 ms, during which the probing thread waited {@code waitedNs} in the run queue. */
    private static final class Canary implements ForegroundProbe {
        private final Path schedstat;
        long waitedNs;
        private long total = 1_000_000;

        Canary(Path schedstat) {
            this.schedstat = schedstat;
            write(total);
        }

        private void write(long waitNs) {
            try {
                Files.writeString(schedstat, "987654 " + waitNs + " 12\n");
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public ForegroundSample sample() {
            total += waitedNs;
            write(total);
            return new ForegroundSample(5_000_000, 2, 0.25);
        }

        @Override
        public String describe() {
            return "canary";
        }

        @Override
        public void close() {}
    }

    @Test
    void theProbingThreadsOwnWaitForACpuIsNotTheDatabases() throws Exception {
        Path schedstat = dir.resolve("schedstat");
        Canary canary = new Canary(schedstat);
        SchedulingDelayProbe probe = new SchedulingDelayProbe(canary, schedstat);
        assertThat(probe.sample().latencyNanos()).as("no wait").isEqualTo(5_000_000);
        canary.waitedNs = 3_000_000;
        ForegroundSample s = probe.sample();
        assertThat(s.latencyNanos()).isEqualTo(2_000_000);
        assertThat(s.waiters()).isEqualTo(2);
        assertThat(s.cpuPressure()).isEqualTo(0.25);
        canary.waitedNs = 9_000_000; // more than the round trip (clocks read apart): never negative
        assertThat(probe.sample().latencyNanos()).isZero();
        Files.delete(schedstat);
        canary.waitedNs = 0;
        assertThat(probe.sample().latencyNanos()).as("unreadable afterwards: as measured").isEqualTo(5_000_000);
    }

    @Test
    void onLinuxTheRealThreadCanBeRead() {
        if (Files.isReadable(SchedulingDelayProbe.THREAD_SELF)) {
            assertThat(SchedulingDelayProbe.waitNs(SchedulingDelayProbe.THREAD_SELF)).isNotNegative();
        }
    }
}
