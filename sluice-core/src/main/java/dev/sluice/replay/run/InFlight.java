package dev.sluice.replay.run;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The batches between dispatch and commit, and the two rules that make concurrent commits safe.
 *
 * <p><b>Checkpoint.</b> A batch commits, in the same transaction, the lowest cursor below which every event is applied:
 * the first {@code time_us} of any other batch still in flight, of the batch being formed, or else the newest event
 * seen. The source delivers {@code time_us} in order, so nothing unseen can lie below that. A value computed while
 * another batch was in flight is at most that batch's first event, so whichever order commits land in, no
 * checkpoint ever runs ahead of the data (invariant 2); the sink keeps the highest.
 *
 * <p><b>Key exclusion.</b> Two batches holding the same record key never commit at the same time: a delete racing an
 * older create in another transaction could otherwise leave the record alive (neither sees the other's uncommitted
 * row). {@link #dispatch} sends only the events whose keys no batch in flight holds; the others stay in the batch
 * being formed and go with a later one (a like and its unlike seconds apart land in adjacent batches all the time,
 * so holding back whole batches serialised the commits: measured, 156 of 165 batches waited).
 *
 * <p>Thread-safe; one monitor.
 */
final class InFlight {
    static final long NONE = Long.MIN_VALUE;

    private final TreeMap<Long, EventBatch> batches = new TreeMap<>();
    private final Map<String, Integer> keys = new HashMap<>();
    private long nextSequence;
    private long formingFirstUs = NONE;
    private long lastSeenUs = NONE;

    /** The reader saw an event; {@code forming} says whether it joined the batch being formed (or was filtered). */
    synchronized void seen(long timeUs, boolean forming) {
        if (forming && formingFirstUs == NONE) {
            formingFirstUs = timeUs;
        }
        lastSeenUs = Math.max(lastSeenUs, timeUs);
    }

    /** Blocks until no batch in flight shares a record key with {@code batch}; returns whether it had to wait. */
    synchronized boolean awaitNoConflict(EventBatch batch) throws InterruptedException {
        boolean waited = false;
        while (conflicts(batch)) {
            waited = true;
            wait();
        }
        return waited;
    }

    private boolean conflicts(EventBatch batch) {
        if (keys.isEmpty()) {
            return false;
        }
        for (String k : batch.recordKeys()) {
            if (keys.containsKey(k)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes from {@code forming} the events no batch in flight shares a key with; those left behind stay in
     * {@code forming}. Only the reader adds batches, so what this finds free stays free until {@link #dispatched}.
     */
    synchronized EventBatch free(EventBatch forming) {
        return forming.takeAllBut(keys.isEmpty() ? k -> false : keys::containsKey);
    }

    /**
     * {@code batch} leaves the reader's hands and is in flight from now on; {@code forming} holds what was left
     * behind (possibly nothing), which still bounds the checkpoint.
     */
    synchronized void dispatched(EventBatch batch, EventBatch forming) {
        batch.sequence = nextSequence++;
        batches.put(batch.sequence, batch);
        for (String k : batch.recordKeys()) {
            keys.merge(k, 1, Integer::sum);
        }
        formingFirstUs = forming.isEmpty() ? NONE : forming.firstUs();
    }

    /** The checkpoint {@code batch} may commit with; see the class comment. */
    synchronized long checkpointFor(EventBatch batch) {
        long cp = lastSeenUs;
        for (EventBatch other : batches.values()) {
            if (other != batch) {
                cp = Math.min(cp, other.firstUs()); // not only the oldest: held-back events travel in later batches
            }
        }
        if (formingFirstUs != NONE) {
            cp = Math.min(cp, formingFirstUs);
        }
        return cp;
    }

    /** {@code batch} committed (or was given up); frees its keys and wakes held-back batches. */
    synchronized void finished(EventBatch batch) {
        batches.remove(batch.sequence);
        for (String k : batch.recordKeys()) {
            keys.computeIfPresent(k, (key, n) -> n == 1 ? null : n - 1);
        }
        notifyAll();
    }

    synchronized int size() {
        return batches.size();
    }

    synchronized void awaitEmpty() throws InterruptedException {
        while (!batches.isEmpty()) {
            wait();
        }
    }

    synchronized long lastSeenUs() {
        return lastSeenUs;
    }
}
