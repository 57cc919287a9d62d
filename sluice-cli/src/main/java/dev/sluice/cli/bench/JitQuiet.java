package dev.sluice.cli.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Waits for the JIT compiler to go quiet before a measured run. A warm-up queues compilations faster than the
 * compiler threads (one C2 thread on 2 cores) finish them, and a run that starts while they are still working shares
 * its cores with them: measured on {@code bench ingest --scenarios large}, the C2 thread still took 16% of the
 * CPU during the measured run, compiling {@code NdjsonReader.readLine} among others. Polls the JVM's total
 * compilation time and returns once it has not grown for {@link #QUIET}.
 */
final class JitQuiet {
    static final Duration QUIET = Duration.ofMillis(300);
    private static final long POLL_MS = 50;

    private JitQuiet() {
    }

    /**
     * Returns once no compilation time was added for {@link #QUIET}, or after {@code atMost}; at once if the JVM
     * does not report compilation time.
     *
     * @return how long it waited
     */
    static Duration await(Duration atMost) throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return Duration.ZERO;
        }
        long deadline = start + atMost.toNanos();
        long last = jit.getTotalCompilationTime();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < QUIET.toNanos() && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MS);
            long now = jit.getTotalCompilationTime();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
