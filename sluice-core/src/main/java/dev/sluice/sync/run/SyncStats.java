package dev.sluice.sync.run;

import dev.sluice.pull.run.RequestCounts;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of a sync, updated from many threads and read by progress displays and summaries at any time. */
public final class SyncStats {
    final LongAdder eventsRead = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder applied = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder rereads = new LongAdder();
    final LongAdder swept = new LongAdder();
    final Map<String, LongAdder> skippedTypes = new ConcurrentHashMap<>();
    final RequestCounts events = new RequestCounts();
    final RequestCounts nested = new RequestCounts();
    final RequestCounts rereadRequests = new RequestCounts();
    volatile long cursor = -1;
    volatile long lagSeconds = -1;

    /** Counts requests to the change feed. */
    public RequestCounts events() {
        return events;
    }

    /** Counts nested-list requests (of events and re-reads; a backfill counts its own). */
    public RequestCounts nested() {
        return nested;
    }

    /** Counts re-read requests. */
    public RequestCounts rereads() {
        return rereadRequests;
    }

    void skippedType(String type) {
        skippedTypes.computeIfAbsent(type, t -> new LongAdder()).increment();
    }

    public Snapshot snapshot() {
        Map<String, Long> types = new TreeMap<>();
        skippedTypes.forEach((t, n) -> types.put(t, n.sum()));
        return new Snapshot(eventsRead.sum(), duplicates.sum(), applied.sum(), skipped.sum(), rereads.sum(),
                swept.sum(), Map.copyOf(types), events.snapshot(), nested.snapshot(), rereadRequests.snapshot(),
                cursor, lagSeconds);
    }

    /**
     * @param eventsRead     events listed by the feed, overlap included
     * @param duplicates     events already applied (by an earlier read or a webhook)
     * @param applied        changes that replaced the stored state
     * @param skipped        changes that were not newer than the stored state
     * @param rereads        objects fetched again to settle a tie
     * @param swept          rows a fresh backfill did not list again, now deletions
     * @param skippedTypes   events not used, by type (unknown types, {@code invoice.upcoming})
     * @param events         requests to the feed
     * @param nested         requests completing nested lists
     * @param rereadRequests requests re-reading objects
     * @param cursor         the committed cursor (epoch second), or -1
     * @param lagSeconds     how far the cursor is behind now, or -1
     */
    public record Snapshot(long eventsRead, long duplicates, long applied, long skipped, long rereads, long swept,
            Map<String, Long> skippedTypes, RequestCounts.Snapshot events, RequestCounts.Snapshot nested,
            RequestCounts.Snapshot rereadRequests, long cursor, long lagSeconds) {
        public long skippedEvents() {
            return skippedTypes.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
