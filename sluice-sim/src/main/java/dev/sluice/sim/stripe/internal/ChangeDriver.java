package dev.sluice.sim.stripe.internal;

import dev.sluice.time.Clock;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the accounts alive while the simulator runs: per second, per account and per data resource,
 * {@code createRate} new objects, {@code updateRate} updates and {@code deleteRate} deletions (cancellations for
 * subscriptions; none for resources Stripe never deletes), until {@code changesFor} after the start.
 *
 * <p>Counts are paced against the start on the injected clock, not accumulated per tick, so they do not drift; a
 * virtual thread wakes every {@value #TICK_MILLIS} ms of real time and makes the changes that came due, so changes
 * come in small bursts and several may share a second. An update or deletion with no eligible object (every
 * invoice already paid, say) is skipped and counted.
 */
public final class ChangeDriver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeDriver.class);
    private static final long TICK_MILLIS = 50;

    private final AccountChanges accountChanges;
    private final Accounts accounts;
    private final double createRate;
    private final double updateRate;
    private final double deleteRate;
    private final long forNanos;
    private final Clock clock;
    private final Thread thread;
    private final AtomicLong skipped = new AtomicLong();
    private long startNanos;

    /** @param changesFor how long changes go on; null for as long as the simulator runs */
    public ChangeDriver(AccountChanges accountChanges, Accounts accounts, double createRate, double updateRate,
                        double deleteRate, Duration changesFor, Clock clock) {
        this.accountChanges = accountChanges;
        this.accounts = accounts;
        this.createRate = createRate;
        this.updateRate = updateRate;
        this.deleteRate = deleteRate;
        this.forNanos = changesFor == null ? Long.MAX_VALUE : changesFor.toNanos();
        this.clock = clock;
        this.thread = Thread.ofVirtual().name("stripe-sim-changes").unstarted(this::run);
    }

    /** Starts the clock of the rates now (not when the thread first runs, so a fake clock cannot race it). */
    public ChangeDriver start() {
        startNanos = clock.nanoTime();
        thread.start();
        return this;
    }

    /** Whether the rates still make changes: false once {@code changesFor} has passed (or after close). */
    public boolean running() {
        return thread.isAlive();
    }

    /** Updates and deletions that found no eligible object. */
    public long skipped() {
        return skipped.get();
    }

    private void run() {
        long start = startNanos;
        long created = 0;
        long updated = 0;
        long deleted = 0;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long elapsed = Math.min(clock.nanoTime() - start, forNanos);
                for (long due = due(elapsed, createRate); created < due; created++) {
                    each((a, kind) -> accountChanges.create(a, kind));
                }
                for (long due = due(elapsed, updateRate); updated < due; updated++) {
                    each((a, kind) -> accountChanges.update(a, kind, null));
                }
                for (long due = due(elapsed, deleteRate); deleted < due; deleted++) {
                    each((a, kind) -> {
                        if (Lifecycle.everDeletable(kind)) {
                            accountChanges.delete(a, kind, null);
                        }
                    });
                }
                if (elapsed >= forNanos) {
                    LOG.info("changes stopped after {} (as --changes-for asked)", Duration.ofNanos(forNanos));
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(TICK_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("simulated changes stopped", e);
        }
    }

    private interface Step {
        void apply(SimAccount account, ResourceKind kind);
    }

    private void each(Step step) {
        for (SimAccount a : accounts.all()) {
            for (ResourceKind kind : a.dataResources()) {
                try {
                    step.apply(a, kind);
                } catch (NoSuchElementException e) {
                    skipped.incrementAndGet();
                }
            }
        }
    }

    private static long due(long elapsedNanos, double perSecond) {
        return perSecond == 0 ? 0 : (long) Math.floor(elapsedNanos / 1e9 * perSecond);
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
