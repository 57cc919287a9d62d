package dev.sluice.cli.bench;

import java.lang.management.ManagementFactory;

/**
 * The CPU time this whole JVM has used, user and system, on every thread: server, client, object-store writes,
 * JDBC driver, JIT and GC. A database server in another process is not in it.
 */
final class CpuTime {
    private CpuTime() {
    }

    /** Nanoseconds of CPU used by this process so far, or -1 where the JVM cannot tell. */
    static long processNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Seconds of CPU since {@code startNanos} (a {@link #processNanos()} reading), or NaN when either is unknown. */
    static double secondsSince(long startNanos) {
        long now = processNanos();
        return startNanos < 0 || now < 0 ? Double.NaN : (now - startNanos) / 1e9;
    }
}
