package dev.sluice.cli.bench;

import dev.sluice.cli.IdlePriority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What Linux's {@code /proc} says about another process: the CPU it has used (user and system, every thread), its
 * resident memory and its peak; and the job-control signals the replay bench pauses a process with. Off Linux, or for
 * a process that is gone, the figures are 0.
 */
final class ProcStat {
    /** The kernel's clock ticks per second, as {@code /proc/<pid>/stat} counts CPU time. */
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcStat() {}

    /** CPU time {@code pid} has used so far, in nanoseconds (utime + stime), or 0 if it cannot be read. */
    static long cpuNanos(long pid) {
        String[] f = IdlePriority.statFields(Path.of("/proc", Long.toString(pid), "stat"));
        if (f.length < 13) {
            return 0;
        }
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    /** {@code VmHWM} (the peak resident set) of {@code pid} in MiB, or 0. */
    static double peakRssMb(long pid) {
        return statusKb(pid, "VmHWM:") / 1024.0;
    }

    private static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        return 0;
    }

    /** Sends {@code SIGSTOP} (pause) or {@code SIGCONT} (resume) to {@code pid}. */
    static void signal(long pid, String signal) {
        try {
            Process p = new ProcessBuilder(List.of("kill", "-" + signal, Long.toString(pid)))
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("cannot send SIG" + signal + " to " + pid + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100; // Linux's USER_HZ on every common architecture
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
