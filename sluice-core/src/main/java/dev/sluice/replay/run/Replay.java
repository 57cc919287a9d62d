package dev.sluice.replay.run;

import dev.sluice.limit.RetryWindow;
import dev.sluice.replay.Event;
import dev.sluice.replay.EventSource;
import dev.sluice.replay.EventStream;
import dev.sluice.replay.ReplaySink;
import dev.sluice.replay.Subscription;
import dev.sluice.replay.govern.Governor;
import dev.sluice.replay.govern.Throttle;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a firehose into a {@link ReplaySink}: the reader pulls events on the calling thread, forms batches of the
 * governor's size, and hands each to a commit on a virtual thread once the {@link Throttle} grants a permit.
 *
 * <p>What must stay true:
 * <ul>
 *   <li><b>Bounded memory by construction.</b> Every event takes its bytes from a budget of
 *       {@link ReplayConfig#maxBytesInFlight()} before it joins a batch and gives them back when its batch commits.
 *       When the budget is spent the reader stops reading, the source stops asking the transport for messages, and
 *       the server waits: a slow database slows the socket, it never grows a queue.</li>
 *   <li><b>The checkpoint never runs ahead of the data.</b> Each commit carries the checkpoint {@link InFlight}
 *       computes for it, in the same transaction; batches that share a record key never commit at once.</li>
 *   <li><b>Caught up means caught up.</b> Without follow, the run stops at the first event at or past
 *       {@link ReplayConfig#untilUs()} (frozen when the run starts) and commits that cursor as the checkpoint once
 *       every batch has landed; the next run starts there, with no gap and nothing twice in effect.</li>
 * </ul>
 */
public final class Replay {
    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);

    private final EventSource source;
    private final ReplaySink sink;
    private final Governor governor;
    private final Throttle throttle;
    private final ReplayConfig config;
    private final RetryWindow storeRetry;
    private final Clock clock;
    private final ReplayStats stats = new ReplayStats();
    private final InFlight inFlight = new InFlight();
    private final Semaphore budget;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile boolean stopRequested;

    /**
     * @param storeRetry rides out a database outage: a commit that fails transiently is tried again until the outage
     *                   outlasts its window ({@code --db-retry-for}); any other failure ends the run at once
     */
    public Replay(EventSource source, ReplaySink sink, Governor governor, Throttle throttle, ReplayConfig config,
                  RetryWindow storeRetry, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.governor = Objects.requireNonNull(governor, "governor");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.config = Objects.requireNonNull(config, "config");
        this.storeRetry = Objects.requireNonNull(storeRetry, "storeRetry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.budget = new Semaphore((int) Math.min(Integer.MAX_VALUE, config.maxBytesInFlight()));
    }

    public ReplayStats stats() {
        return stats;
    }

    public Governor governor() {
        return governor;
    }

    /** Asks a running {@link #run()} to stop reading, commit what it holds and return (Ctrl-C, follow mode). */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Runs until caught up (or, following, until {@link #stop()}); returns how it ended.
     *
     * @throws IOException when the source fails for good (its message names the URL or file and line)
     * @throws ReplayException when a batch cannot be committed (a failure that is not transient, or an outage longer
     *         than the store retry's window: then its cause is a {@link RetryWindow.OutageTooLong}); what was
     *         committed stays
     */
    public ReplayResult run() throws IOException, InterruptedException {
        long started = clock.nanoTime();
        if (config.restart()) {
            sink.clearCheckpoint(config.job());
        }
        OptionalLong checkpoint = sink.checkpoint(config.job());
        Subscription sub = config.subscription();
        long cursor = checkpoint.isPresent() ? checkpoint.getAsLong() : sub.cursorUs().orElse(Long.MIN_VALUE);
        boolean resumed = checkpoint.isPresent();
        if (cursor != Long.MIN_VALUE) {
            sub = sub.withCursor(cursor);
            stats.checkpointUs = cursor;
        }
        boolean caughtUp;
        Optional<ReplayResult.Gap> gap = Optional.empty();
        long finalCheckpoint;
        try (ExecutorService committers = Executors.newVirtualThreadPerTaskExecutor();
             EventStream stream = source.open(sub)) {
            Reading reading = read(stream, committers, cursor);
            gap = reading.gap;
            caughtUp = reading.caughtUp;
            inFlight.awaitEmpty();
            throwIfFailed();
            long last = inFlight.lastSeenUs();
            finalCheckpoint = reading.untilReached ? config.untilUs().getAsLong()
                    : last != InFlight.NONE ? (reading.endOfSource ? last + 1 : last) : cursor;
            if (finalCheckpoint != Long.MIN_VALUE && finalCheckpoint > stats.checkpointUs) {
                long end = finalCheckpoint;
                storeRetry.call(() -> sink.apply(config.job(), 0, List.of(), end));
                stats.checkpointUs = finalCheckpoint;
            }
        } finally {
            stopRequested = true;
        }
        double seconds = (clock.nanoTime() - started) / 1e9;
        return new ReplayResult(cursor, resumed, stats.checkpointUs, caughtUp, gap, stats.snapshot(), seconds);
    }

    private static final class Reading {
        boolean caughtUp;
        boolean untilReached;
        boolean endOfSource;
        Optional<ReplayResult.Gap> gap = Optional.empty();
    }

    private Reading read(EventStream stream, ExecutorService committers, long cursor)
            throws IOException, InterruptedException {
        Reading r = new Reading();
        Subscription sub = config.subscription();
        EventBatch forming = new EventBatch();
        long formingSince = 0;
        long lastEventNanos = clock.nanoTime();
        boolean first = true;
        long lingerNanos = config.linger().toNanos();
        while (!stopRequested && failure.get() == null) {
            Duration wait = forming.isEmpty() ? Duration.ofMillis(250)
                    : Duration.ofNanos(Math.max(1, lingerNanos - (clock.nanoTime() - formingSince)));
            Event e;
            try {
                e = stream.next(wait);
            } catch (EventStream.EndOfStream eos) {
                r.caughtUp = true;
                r.endOfSource = true;
                break;
            }
            long now = clock.nanoTime();
            if (e == null) {
                if (!forming.isEmpty() && now - formingSince >= lingerNanos) {
                    forming = dispatch(forming, committers, false);
                    formingSince = now;
                }
                if (config.untilUs().isPresent() && now - lastEventNanos >= config.idleStop().toNanos()
                        && clock.epochMillis() * 1000 >= config.untilUs().getAsLong()) {
                    r.caughtUp = true;
                    break;
                }
                continue;
            }
            lastEventNanos = now;
            if (first) {
                first = false;
                if (cursor != Long.MIN_VALUE && e.timeUs() - cursor > config.gapTolerance().toNanos() / 1000) {
                    r.gap = Optional.of(new ReplayResult.Gap(cursor, e.timeUs()));
                    LOG.warn("gap: asked {} to start at cursor {} but its first event is at {}, {} s later; the events"
                            + " between were not available (past the source's retention?)", source.describe(), cursor,
                            e.timeUs(), String.format("%.1f", (e.timeUs() - cursor) / 1e6));
                }
            }
            if (config.untilUs().isPresent() && e.timeUs() >= config.untilUs().getAsLong()) {
                r.caughtUp = true;
                r.untilReached = true;
                break;
            }
            stats.received.increment();
            stats.bytes.add(e.sizeBytes());
            if (!sub.wants(e)) {
                stats.skipped.increment();
                inFlight.seen(e.timeUs(), false);
                continue;
            }
            int size = (int) Math.min(e.sizeBytes(), config.maxBytesInFlight());
            if (!budget.tryAcquire(size)) {
                if (!forming.isEmpty()) {
                    forming = dispatch(forming, committers, true);
                }
                while (!budget.tryAcquire(size, 100, TimeUnit.MILLISECONDS)) {
                    throwIfFailed();
                }
            }
            stats.bytesInFlight = config.maxBytesInFlight() - budget.availablePermits();
            if (forming.isEmpty()) {
                formingSince = now;
            }
            forming.add(e, size);
            inFlight.seen(e.timeUs(), true);
            if (forming.size() >= governor.batchSize() || forming.bytes() >= config.maxBatchBytes()) {
                forming = dispatch(forming, committers, false);
                formingSince = now;
            }
        }
        if (!forming.isEmpty() && failure.get() == null) {
            dispatch(forming, committers, true);
        }
        throwIfFailed();
        return r;
    }

    /**
     * Sends what of {@code forming} can commit now; returns the batch to keep forming (the events held back because
     * a batch in flight shares their key, or a new empty one). With {@code all}, waits until nothing is held back.
     */
    private EventBatch dispatch(EventBatch forming, ExecutorService committers, boolean all)
            throws InterruptedException {
        EventBatch ready = inFlight.free(forming);
        if (!forming.isEmpty()) {
            stats.heldBack.add(forming.size());
            if (ready.isEmpty() || all) {
                inFlight.awaitNoConflict(forming); // nothing could go, or the caller needs everything sent
                EventBatch rest = inFlight.free(forming);
                send(ready, rest, committers); // rest, not yet in flight, still bounds ready's checkpoint
                send(rest, forming, committers);
                return new EventBatch();
            }
        }
        send(ready, forming, committers);
        return forming.isEmpty() ? new EventBatch() : forming;
    }

    private void send(EventBatch ready, EventBatch leftBehind, ExecutorService committers) throws InterruptedException {
        if (ready.isEmpty()) {
            return;
        }
        Throttle.Permit permit = throttle.acquire(ready.size());
        inFlight.dispatched(ready, leftBehind);
        committers.execute(() -> commit(ready, permit));
    }

    private void commit(EventBatch batch, Throttle.Permit permit) {
        int n = batch.size();
        long started = clock.nanoTime();
        boolean[] failed = {false};
        try {
            // Each attempt asks for the checkpoint afresh: it may have risen while the database was away.
            ReplaySink.Applied applied = storeRetry.call(() -> {
                long cp = inFlight.checkpointFor(batch);
                ReplaySink.Applied a = sink.apply(config.job(), permit.lane(), batch.events(), cp);
                stats.checkpointUs = Math.max(stats.checkpointUs, cp);
                return a;
            }, e -> {
                failed[0] = true;
                stats.failedCommits.increment();
                LOG.debug("commit of {} events failed: {}", n, e.toString());
            });
            stats.applied.add(applied.applied());
            stats.skipped.add(applied.skipped());
            stats.batches.increment();
            stats.lastAppliedUs = Math.max(stats.lastAppliedUs, batch.lastUs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, new ReplayException("interrupted while committing", e));
        } catch (RuntimeException e) {
            failure.compareAndSet(null, new ReplayException("a batch of " + n + " events (time_us " + batch.firstUs()
                    + " to " + batch.lastUs() + ") could not be committed: " + e.getMessage(), e));
        } catch (Error e) {
            failure.compareAndSet(null, new ReplayException("commit failed: " + e, e));
        } finally {
            throttle.release(permit, n, clock.nanoTime() - started, failed[0]);
            budget.release(batch.budgeted());
            stats.bytesInFlight = config.maxBytesInFlight() - budget.availablePermits();
            inFlight.finished(batch);
        }
    }

    private void throwIfFailed() {
        RuntimeException f = failure.get();
        if (f != null) {
            throw f;
        }
    }

    /** A batch could not be committed; the message says which events and why. */
    public static final class ReplayException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ReplayException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
