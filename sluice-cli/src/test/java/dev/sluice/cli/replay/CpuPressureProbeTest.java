package dev.sluice.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.sluice.replay.govern.ForegroundProbe;
import dev.sluice.replay.govern.ForegroundSample;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.testing.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's CPU pressure beside each canary sample, from a PSI file, on a fake clock. */
class CpuPressureProbeTest {
    @TempDir
    Path dir;

    private static final class Canary implements ForegroundProbe {
        @Override
        public ForegroundSample sample() {
            return ForegroundSample.ofMillis(2.0, 1);
        }

        @Override
        public String describe() {
            return "canary";
        }

        @Override
        public void close() {}
    }

    private static void psi(Path file, long someTotalUs) throws Exception {
        Files.writeString(file, "some avg10=1.00 avg60=1.00 avg300=1.00 total=" + someTotalUs + "\n"
                + "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
    }

    @Test
    void eachSampleCarriesTheShareOfTheTimeSinceTheLastDuringWhichSomethingWaitedForACpu() throws Exception {
        Path file = dir.resolve("cpu");
        FakeClock clock = new FakeClock();
        psi(file, 1_000_000);
        CpuPressureProbe probe = new CpuPressureProbe(new Canary(), file, dir.resolve("no-tasks"), clock);
        ForegroundSample first = probe.sample();
        assertThat(first.cpuPressure()).as("no interval yet").isNaN();
        assertThat(first.latencyNanos()).isEqualTo(2_000_000);
        assertThat(first.waiters()).isEqualTo(1);
        clock.advanceMillis(50);
        psi(file, 1_020_000); // 20 ms of stall in 50 ms
        assertThat(probe.sample().cpuPressure()).isCloseTo(0.4, offset(1e-9));
        clock.advanceMillis(50);
        psi(file, 1_200_000); // more stall than time (several CPUs): capped at all of it
        assertThat(probe.sample().cpuPressure()).isEqualTo(1.0);
        Files.delete(file);
        clock.advanceMillis(50);
        assertThat(probe.sample().cpuPressure()).as("unreadable: unknown").isNaN();
        assertThat(probe.describe()).isEqualTo("canary and the CPU pressure of the rest of the host");
    }

    private static void waited(Path tasks, String tid, long waitNs) throws Exception {
        Files.createDirectories(tasks.resolve(tid));
        Files.writeString(tasks.resolve(tid).resolve("schedstat"), "123456 " + waitNs + " 7\n");
    }

    @Test
    void theTimeOurOwnThreadsWaitedIsNotPressureOnTheForeground() throws Exception {
        Path file = dir.resolve("cpu");
        Path tasks = dir.resolve("task");
        FakeClock clock = new FakeClock();
        psi(file, 1_000_000);
        waited(tasks, "100", 5_000_000);
        CpuPressureProbe probe = new CpuPressureProbe(new Canary(), file, tasks, clock);
        probe.sample();
        clock.advanceMillis(100);
        psi(file, 1_060_000); // 60 ms of stall in 100 ms ...
        waited(tasks, "100", 45_000_000); // ... 40 of which our thread 100 spent waiting
        assertThat(probe.sample().cpuPressure()).isCloseTo(0.2, offset(1e-9));
        clock.advanceMillis(100);
        psi(file, 1_150_000); // 90 ms of stall: all of it ours, two threads waiting at once
        waited(tasks, "100", 95_000_000);
        waited(tasks, "101", 70_000_000); // new since the last reading: all its wait is in this interval
        assertThat(probe.sample().cpuPressure()).as("never below 0").isEqualTo(0.0);
        clock.advanceMillis(100);
        psi(file, 1_180_000);
        Files.delete(tasks.resolve("101").resolve("schedstat")); // ended: its last part is lost
        Files.delete(tasks.resolve("101"));
        assertThat(probe.sample().cpuPressure()).isCloseTo(0.3, offset(1e-9));
    }

    @Test
    void pressureIsReadOnlyWhenTheDatabaseIsOnThisHost() {
        assertThat(CpuPressureProbe.local(DatabaseUrl.parse("sqlite:/tmp/x.db"))).isTrue();
        assertThat(CpuPressureProbe.local(DatabaseUrl.parse("postgresql://u@127.0.0.1:5432/db"))).isTrue();
        assertThat(CpuPressureProbe.local(DatabaseUrl.parse("postgresql://u@localhost/db"))).isTrue();
        assertThat(CpuPressureProbe.local(DatabaseUrl.parse("postgresql://u@[::1]:5432/db"))).isTrue();
        assertThat(CpuPressureProbe.local(DatabaseUrl.parse("postgresql://u@db.internal:5432/db"))).isFalse();
        assertThat(CpuPressureProbe.local(DatabaseUrl.parse("postgresql://u@10.0.0.7/db"))).isFalse();
    }
}
