package dev.sluice.cli.replay;

import dev.sluice.replay.govern.ForegroundProbe;
import dev.sluice.replay.govern.ForegroundSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A foreground probe whose latency leaves out the time the probing thread itself waited for a CPU during the probe
 * (its run-queue wait, {@code /proc/thread-self/schedstat}, second field, read before and after): the canary then
 * measures how long the database took to answer, as a client at normal priority sees it, not how long an
 * idle-priority thread took to be scheduled again once the answer was there.
 *
 * <p>Why: at idle priority ({@code SCHED_IDLE}, autogroup nice 19) the probing thread is one of the replay's own
 * threads. Once the replay takes the idle CPU it exists to take, the probe's wake-up waits behind the replay's other
 * threads — and, with the autogroup always runnable, behind the whole group's share — so the canary's latency rose
 * with the replay's own CPU use while the foreground, at normal priority, preempted it without waiting. The idle
 * baseline is measured the same way (before any write), so baseline and judgement stay comparable. Off Linux (no
 * such file) the canary is used as it is.
 */
final class SchedulingDelayProbe implements ForegroundProbe {
    static final Path THREAD_SELF = Path.of("/proc/thread-self/schedstat");
    private static final Logger LOG = LoggerFactory.getLogger(SchedulingDelayProbe.class);
    private static final long LOG_EVERY_NANOS = 1_000_000_000L;

    private final ForegroundProbe canary;
    private final Path schedstat;
    private long lastLogAt = Long.MIN_VALUE;

    SchedulingDelayProbe(ForegroundProbe canary, Path schedstat) {
        this.canary = canary;
        this.schedstat = schedstat;
    }

    /** {@code canary} without its own thread's scheduling delay, where the kernel tells it; else {@code canary}. */
    static ForegroundProbe wrap(ForegroundProbe canary) {
        return waitNs(THREAD_SELF) >= 0 ? new SchedulingDelayProbe(canary, THREAD_SELF) : canary;
    }

    @Override
    public ForegroundSample sample() throws Exception {
        long before = waitNs(schedstat);
        long started = System.nanoTime();
        ForegroundSample s = canary.sample();
        long after = waitNs(schedstat);
        if (before < 0 || after < before) {
            return s;
        }
        long own = after - before;
        long latency = Math.max(0, s.latencyNanos() - own);
        if (LOG.isDebugEnabled() && started - lastLogAt >= LOG_EVERY_NANOS) {
            lastLogAt = started;
            LOG.debug(String.format(Locale.ROOT, "canary: %.2f ms, of which the probing thread waited for a CPU"
                    + " %.2f ms", s.latencyNanos() / 1e6, own / 1e6));
        }
        return new ForegroundSample(latency, s.waiters(), s.cpuPressure());
    }

    /** The thread's run-queue wait so far in ns, or -1 if it cannot be read. */
    static long waitNs(Path schedstat) {
        try {
            String[] f = Files.readString(schedstat).strip().split(" ");
            return Long.parseLong(f[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public String describe() {
        return canary.describe();
    }

    @Override
    public void close() throws Exception {
        canary.close();
    }
}
