package dev.sluice.replay.govern;

import dev.sluice.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link Governor} from a {@link ForegroundProbe}, on a daemon thread of its own: first the calibration
 * ({@code calibrationSamples} idle samples, one per probe interval), then one sample per probe interval for as long
 * as it runs.
 *
 * <p>{@link #start} takes one sample on the caller's thread before anything else, so a probe that cannot work at all
 * (a canary SQL with a typo, a database that refuses the connection) fails the command at once with the probe's
 * own message instead of leaving the replay waiting for a baseline. That sample is a warm-up (a first query pays for
 * connection setup and planning) and is not part of the baseline unless no other sample can be taken. After that a
 * failing sample is logged once, counted ({@link #failures()}) and skipped: the probe reconnects on a later call, and
 * if it stays silent the governor treats the silence as a breach.
 *
 * <p>Samples are taken on a fixed schedule; a sample that took longer than the interval is followed at once by the
 * next, never by a burst to catch up. The governor hears when each probe starts and fails, and when the monitor
 * woke more than a window after its time ({@link Governor#onPaused}): then this process itself was paused or
 * starved, which is not the probe falling silent. Closing the monitor stops the thread and closes the probe (the monitor owns it).
 */
public final class ForegroundMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ForegroundMonitor.class);

    private final ForegroundProbe probe;
    private final Governor governor;
    private final Clock clock;
    private final ForegroundSample warmup;
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean calibrated;
    private final Thread thread;

    private ForegroundMonitor(ForegroundProbe probe, Governor governor, Clock clock, ForegroundSample warmup) {
        this.probe = probe;
        this.governor = governor;
        this.clock = clock;
        this.warmup = warmup;
        this.thread = new Thread(this::run, "sluice-foreground");
        this.thread.setDaemon(true);
    }

    /**
     * Takes the warm-up sample, then starts sampling on a daemon thread.
     *
     * @throws IllegalStateException naming the probe and carrying its error, if the first sample fails; the probe is
     *         closed
     */
    public static ForegroundMonitor start(ForegroundProbe probe, Governor governor, Clock clock) {
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(governor, "governor");
        Objects.requireNonNull(clock, "clock");
        ForegroundSample first;
        try {
            first = probe.sample();
        } catch (Exception e) {
            closeQuietly(probe);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the foreground probe (" + probe.describe() + ") failed: "
                    + e.getMessage(), e);
        }
        ForegroundMonitor m = new ForegroundMonitor(probe, governor, clock, first);
        m.thread.start();
        return m;
    }

    /** Samples fed to the governor (calibration included). */
    public long samples() {
        return samples.get();
    }

    /** Samples that failed since the start. */
    public long failures() {
        return failures.get();
    }

    /** Whether the governor has its baseline. */
    public boolean calibrated() {
        return calibrated;
    }

    public String describe() {
        return probe.describe();
    }

    private void run() {
        GovernorConfig config = governor.config();
        long interval = config.probeInterval().toNanos();
        long next = clock.nanoTime();
        try {
            List<ForegroundSample> idle = new ArrayList<>();
            int attempts = 0;
            // Up to three tries per wanted sample: a flaky probe still calibrates, a dead one does not block forever.
            while (!closed && idle.size() < config.calibrationSamples() && attempts < 3 * config.calibrationSamples()) {
                next = sleepUntil(next + interval);
                attempts++;
                ForegroundSample s = sampleOrNull();
                if (s != null) {
                    idle.add(s);
                }
            }
            if (closed) {
                return;
            }
            if (idle.isEmpty()) {
                idle.add(warmup);
            }
            governor.calibrate(idle);
            calibrated = true;
            LOG.debug("foreground baseline from {} samples of {}: {}", idle.size(), probe.describe(),
                    governor.state().summary());
            long window = config.window().toNanos();
            while (!closed) {
                long due = next + interval;
                next = sleepUntil(due);
                if (clock.nanoTime() - due > window && next == due) {
                    // Slept through more than a window past its time: this process was paused or starved.
                    governor.onPaused();
                }
                governor.onProbing();
                ForegroundSample s = sampleOrNull();
                if (s != null) {
                    governor.onForeground(s);
                } else {
                    governor.onProbeFailed();
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (RuntimeException e) {
            LOG.error("the foreground monitor stopped: {}", e.toString(), e);
        }
    }

    /** Sleeps until {@code due}, or not at all if it has passed; returns the time the schedule continues from. */
    private long sleepUntil(long due) throws InterruptedException {
        long now = clock.nanoTime();
        if (due > now) {
            clock.sleepNanos(due - now);
            return due;
        }
        return now;
    }

    private ForegroundSample sampleOrNull() throws InterruptedException {
        try {
            ForegroundSample s = probe.sample();
            samples.incrementAndGet();
            return s;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            if (closed) {
                throw new InterruptedException("closed");
            }
            if (failures.getAndIncrement() == 0) {
                LOG.warn("the foreground probe ({}) failed; retrying every probe interval, further failures are"
                        + " counted but not logged: {}", probe.describe(), e.toString());
            } else {
                LOG.debug("foreground probe failure #{}: {}", failures.get(), e.toString());
            }
            return null;
        }
    }

    /**
     * Stops the thread and closes the probe. Idempotent. A sample in progress gets a second to finish; after that
     * the probe is closed under it (a JDBC query ignores interrupts, but not its connection closing).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.interrupt();
        try {
            thread.join(1_000);
            closeQuietly(probe);
            thread.join(4_000);
        } catch (InterruptedException e) {
            closeQuietly(probe);
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(ForegroundProbe probe) {
        try {
            probe.close();
        } catch (Exception e) {
            LOG.debug("closing the foreground probe: {}", e.toString());
        }
    }
}
