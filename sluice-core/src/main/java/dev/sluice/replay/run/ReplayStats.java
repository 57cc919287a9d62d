package dev.sluice.replay.run;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one replay run, updated from many threads and read by progress displays at any time. */
public final class ReplayStats {
    final LongAdder received = new LongAdder();
    final LongAdder applied = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder batches = new LongAdder();
    final LongAdder failedCommits = new LongAdder();
    final LongAdder heldBack = new LongAdder();
    volatile long bytesInFlight;
    volatile long lastAppliedUs = InFlight.NONE;
    volatile long checkpointUs = InFlight.NONE;

    public Snapshot snapshot() {
        return new Snapshot(received.sum(), applied.sum(), skipped.sum(), bytes.sum(), batches.sum(),
                failedCommits.sum(), heldBack.sum(), bytesInFlight, lastAppliedUs, checkpointUs);
    }

    /**
     * @param received      events read from the source
     * @param applied       events that changed stored state
     * @param skipped       events filtered out, or older than (or equal to) what was stored
     * @param bytes         bytes of the events received
     * @param batches       batches committed
     * @param failedCommits commit attempts that failed and were retried
     * @param heldBack      events held back for a later batch because a batch in flight held their record key
     * @param bytesInFlight bytes received and not yet committed, now
     * @param lastAppliedUs the newest {@code time_us} committed, or {@link Long#MIN_VALUE} before the first commit
     * @param checkpointUs  the checkpoint last committed, or {@link Long#MIN_VALUE}
     */
    public record Snapshot(long received, long applied, long skipped, long bytes, long batches, long failedCommits,
                           long heldBack, long bytesInFlight, long lastAppliedUs, long checkpointUs) {}
}
