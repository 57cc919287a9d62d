package dev.sluice.replay.govern;

/**
 * Measures the database's foreground health, one {@link ForegroundSample} per call (for example a canary query on
 * its own connection). The {@link ForegroundMonitor} calls it from one thread, every probe interval.
 *
 * <p>Caller's duties: call {@link #sample()} from one thread at a time; close the probe when done (the monitor does
 * this when it is closed). Implementer's duties: measure on a connection of its own, never one the writes use, so
 * the probe sees the queue foreground clients see rather than Sluice's own; recover from a broken connection on a
 * later call (a failed call throws, and the next one may reconnect); fail on its first use with a message that says
 * what to fix.
 */
public interface ForegroundProbe extends AutoCloseable {
    /** Takes one measurement; blocks while the database answers. */
    ForegroundSample sample() throws Exception;

    /** What is measured, for logs and progress lines (e.g. {@code "SELECT 1 on postgresql://db/app"}). */
    String describe();
}
