package dev.sluice.replay.govern;

import dev.sluice.time.Clock;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The mechanism the {@link Governor} drives: a batch may start when a concurrency slot is free and the rate allows
 * it. The throttle decides nothing itself; it re-reads the governor's outputs at every step, so a change takes
 * effect on the next batch. Thread-safe; meant for a handful of writer threads.
 *
 * <p>{@link #acquire} does two waits, in this order:
 * <ol>
 *   <li><b>A slot.</b> At most {@code governor.concurrency()} permits are held at once. The limit is re-read on
 *       every release, so when the governor lowers it, batches already running finish and no new one starts until
 *       the count is under the new limit — nothing is cancelled. Each permit gets a lane in
 *       {@code [0, maxConcurrency)}, unique among the permits held at once (the sink keeps a checkpoint row per
 *       lane).</li>
 *   <li><b>The rate</b>, GCRA-style with no burst: a batch of {@code n} events moves the schedule {@code n / rate}
 *       seconds on, and the next batch starts when the schedule says so (or at once if it is already late — idle
 *       time earns no credit, so the database never sees a burst after a lull). The debt of the last batch is valued
 *       at the rate read when waiting, and a wait sleeps at most 100 ms at a time before re-reading it, so a rate
 *       the governor just halved or raised applies to the batch that is waiting. One thread paces at a time (a fair
 *       lock), so starts come in arrival order.</li>
 * </ol>
 * Taking the slot first bounds the number of threads holding a place in the schedule by the concurrency.
 * A rate of 0 (the governor still calibrating) holds every batch. Sleeps go through the injected {@link Clock}, so
 * with a fake clock the pacing is exact and instantaneous; nothing busy-waits.
 *
 * <p>Caller's duties: {@link #release} every permit exactly once, failed or not — the release feeds the governor's
 * inner loop, and a permit never released is a lane lost for the rest of the run.
 */
public final class Throttle {
    /** The longest a pacing wait sleeps before re-reading the rate. */
    static final long SLICE_NANOS = 100_000_000L;

    /** A started batch's place: which lane it runs on, how many events it holds, when it was allowed to start. */
    public static final class Permit {
        private final int lane;
        private final int events;
        private final long startNanos;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(int lane, int events, long startNanos) {
            this.lane = lane;
            this.events = events;
            this.startNanos = startNanos;
        }

        /** In {@code [0, maxConcurrency)}, unique among the permits held at once. */
        public int lane() {
            return lane;
        }

        public int events() {
            return events;
        }

        /** {@link Clock#nanoTime()} when the batch was allowed to start. */
        public long startNanos() {
            return startNanos;
        }

        @Override
        public String toString() {
            return "Permit[lane " + lane + ", " + events + " events]";
        }
    }

    private final Governor governor;
    private final Clock clock;

    private final ReentrantLock slots = new ReentrantLock();
    private final Condition freed = slots.newCondition();
    private final boolean[] busy;
    private int held;

    private final ReentrantLock pacer = new ReentrantLock(true);
    private long scheduleBase;
    private double owedEvents;

    public Throttle(Governor governor, Clock clock) {
        this.governor = Objects.requireNonNull(governor, "governor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.busy = new boolean[governor.config().maxConcurrency()];
        this.scheduleBase = clock.nanoTime();
    }

    /**
     * Waits for a slot and for the rate, then returns a permit for a batch of {@code events}.
     *
     * @throws InterruptedException if interrupted while waiting; no slot is then held
     */
    public Permit acquire(int events) throws InterruptedException {
        if (events < 1) {
            throw new IllegalArgumentException("a batch holds at least one event, was " + events);
        }
        int lane = takeSlot();
        try {
            return new Permit(lane, events, pace(events));
        } catch (InterruptedException | RuntimeException e) {
            freeSlot(lane);
            throw e;
        }
    }

    /**
     * Frees the permit's slot and reports the batch to the governor.
     *
     * @param events       events the batch held (may differ from the permit's if the caller trimmed it)
     * @param latencyNanos from the start of the batch to its commit or failure
     * @param failed       whether the batch failed to commit
     * @throws IllegalStateException if the permit was already released
     */
    public void release(Permit permit, int events, long latencyNanos, boolean failed) {
        if (!permit.released.compareAndSet(false, true)) {
            throw new IllegalStateException(permit + " released twice");
        }
        int inflight;
        slots.lock();
        try {
            inflight = held;
        } finally {
            slots.unlock();
        }
        // The governor hears of the commit before the slot is freed, so a waiter woken by this release reads the
        // limit the commit produced, not the one before it.
        try {
            governor.onCommit(events, latencyNanos, failed, inflight);
        } finally {
            freeSlot(permit.lane);
        }
    }

    /** Permits held now. */
    public int inFlight() {
        slots.lock();
        try {
            return held;
        } finally {
            slots.unlock();
        }
    }

    private int takeSlot() throws InterruptedException {
        slots.lockInterruptibly();
        try {
            while (held >= Math.min(governor.concurrency(), busy.length)) {
                // Woken by every release; the timeout re-reads a limit that moved without one (a governor fed
                // from elsewhere).
                freed.await(SLICE_NANOS, TimeUnit.NANOSECONDS);
            }
            for (int lane = 0; lane < busy.length; lane++) {
                if (!busy[lane]) {
                    busy[lane] = true;
                    held++;
                    return lane;
                }
            }
            throw new IllegalStateException("no free lane with " + held + " of " + busy.length + " held");
        } finally {
            slots.unlock();
        }
    }

    private void freeSlot(int lane) {
        slots.lock();
        try {
            busy[lane] = false;
            held--;
            freed.signalAll();
        } finally {
            slots.unlock();
        }
    }

    /** Sleeps until the schedule lets a batch of {@code events} start; returns the start time. */
    private long pace(int events) throws InterruptedException {
        pacer.lockInterruptibly();
        try {
            while (true) {
                double rate = governor.rate();
                long now = clock.nanoTime();
                if (rate > 0) {
                    long due = Double.isInfinite(rate) || owedEvents == 0 ? scheduleBase
                            : scheduleBase + (long) Math.ceil(owedEvents * 1e9 / rate);
                    if (now >= due) {
                        scheduleBase = now;
                        owedEvents = events;
                        return now;
                    }
                    clock.sleepNanos(Math.min(due - now, SLICE_NANOS));
                } else {
                    clock.sleepNanos(SLICE_NANOS);
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while pacing");
                }
            }
        } finally {
            pacer.unlock();
        }
    }
}
