package dev.sluice.sync.run;

import dev.sluice.limit.RetryWindow;
import dev.sluice.pull.FetchFailure;
import dev.sluice.pull.Requests;
import dev.sluice.sync.Change;
import dev.sluice.sync.ChangeFeed;
import dev.sluice.sync.ChangeSink;
import dev.sluice.sync.ChangeSink.CursorAdvance;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.FeedEvent;
import dev.sluice.sync.SyncState;
import dev.sluice.sync.rule.StartRule;
import dev.sluice.time.Clock;
import dev.sluice.time.TimeRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sync: a backfill when the job needs one ({@link StartRule}), then the source's change feed from the job's
 * cursor up to {@code now − events lag}, applied oldest first through the {@link ChangeApplier}; with
 * {@code follow}, again every poll interval until {@link #stop()}.
 *
 * <p>What must stay true:
 * <ul>
 * <li>The cursor never runs ahead of the data: it is committed in the same transaction as the changes it covers,
 * and a commit's cursor is the second of the first event not yet applied (the window's end after its last event),
 * so every event created before it is applied; a resume re-reads from it, and applied events are recognised by id.</li>
 * <li>The cursor never moves back, and a new backfill's cursor is its own start second, so every change made while
 * it lists is applied after it.</li>
 * <li>A backfill's sweep (rows it did not list again become deletions) runs only once it is complete.</li>
 * <li>At most {@code maxEventsInMemory} events are held: a denser window is read in narrower parts.</li>
 * <li>A stop takes effect between commits, never inside one.</li>
 * <li>Every call to the sink goes through the store's {@link RetryWindow} ({@code --db-retry-for}): a database outage
 * is ridden out, and a commit tried again whole is harmless (applied events are recognised by id, the cursor only
 * moves forward).</li>
 * </ul>
 */
public final class Sync {
    private static final Logger LOG = LoggerFactory.getLogger(Sync.class);
    private static final long STOP_CHECK_NANOS = 100_000_000L;
    /** Polls start this long after a whole second, when the second's bound has moved. */
    private static final long POLL_OFFSET_MILLIS = 50;

    /** Runs a backfill of some streams to its end, resuming what the job has committed of it. */
    @FunctionalInterface
    public interface BackfillStep {
        Listing run(List<String> streams) throws InterruptedException;
    }

    /** How a backfill ended: complete or not, and the range each stream listed. */
    public record Listing(boolean complete, Map<String, TimeRange> ranges) {
        public Listing {
            ranges = Map.copyOf(ranges);
        }
    }

    /** What a run syncs: the job's name and account, its tables' namespace, its streams, and how deletions go. */
    public record Target(String job, String account, String namespace, List<String> streams, DeletionMode deletes) {
        public Target {
            Objects.requireNonNull(job, "job");
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(deletes, "deletes");
            streams = List.copyOf(streams);
        }
    }

    /** The cursor is older than the feed keeps events, and the run was told to fail rather than backfill. */
    public static final class CursorExpired extends Exception {
        private static final long serialVersionUID = 1L;

        CursorExpired(String message) {
            super(message);
        }
    }

    private final SyncConfig config;
    private final ChangeSink sink;
    private final ChangeApplier applier;
    private final WindowReader reader;
    private final RetryWindow storeRetry;
    private final Clock clock;
    private final SyncStats stats;
    private final Consumer<String> notices;
    private volatile boolean stopRequested;
    private long span = -1;

    /**
     * @param events     the requests reading the feed (a view of the run's one retry loop)
     * @param storeRetry rides out a database outage: every sink call, and each commit of the applier, is tried
     *                   again while it fails transiently, until the outage outlasts the window
     * @param notices    receives what a person running the sync should be told (a fresh backfill and why)
     */
    public Sync(SyncConfig config, ChangeFeed feed, ChangeSink sink, ChangeApplier applier, Requests events,
            RetryWindow storeRetry, Clock clock, SyncStats stats, Consumer<String> notices) {
        this.config = Objects.requireNonNull(config, "config");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.applier = Objects.requireNonNull(applier, "applier");
        this.storeRetry = Objects.requireNonNull(storeRetry, "storeRetry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.notices = Objects.requireNonNull(notices, "notices");
        this.reader = new WindowReader(Objects.requireNonNull(feed, "feed"), events, stats);
    }

    public SyncStats stats() {
        return stats;
    }

    /** Asks the run to return after its current commit (a backfill under way is stopped by its own handle). */
    public void stop() {
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Runs until caught up (or, with {@code follow}, until stopped).
     *
     * @throws CursorExpired when the cursor is past the retention and {@link SyncConfig.OnExpired#FAIL} is set
     * @throws FetchFailure  when the feed, a re-read or a nested list fails for good (without {@code follow}; with
     *                       it, the failure is logged and the next poll tries again)
     * @throws RetryWindow.OutageTooLong when the database stays unavailable longer than the store retry's window
     */
    public SyncResult run(Target target, BackfillStep backfill, boolean follow)
            throws CursorExpired, FetchFailure, InterruptedException {
        for (String stream : target.streams()) {
            store(() -> {
                sink.prepare(target.namespace(), stream);
                return null;
            });
        }
        List<StartRule.Kind> steps = new ArrayList<>();
        long due = -1; // when the poll under way was due, once polls follow their schedule
        while (!stopRequested) {
            Optional<SyncState> state = store(() -> sink.state(target.job(), target.account()));
            StartRule.Step step = StartRule.next(state, target.streams(), clock.epochSecond(), config.retention());
            steps.add(step.kind());
            if (step.backfills()) {
                if (!backfill(target, state, step, backfill)) {
                    return result(target, steps, false);
                }
                continue;
            }
            long started = due >= 0 ? due : clock.epochMillis();
            try {
                catchUp(target, state.orElseThrow());
            } catch (FetchFailure e) {
                if (!follow) {
                    throw e;
                }
                LOG.warn("{}; trying again in {}", e.getMessage(), config.pollInterval());
            }
            if (!follow) {
                break;
            }
            long interval = config.pollInterval().toMillis();
            long now = clock.epochMillis();
            due = nextPoll(started, interval);
            if (due < now) { // the catch-up took longer than an interval: the next poll starts at once
                due = nextPoll(now - interval, interval);
            }
            pause(Math.max(0, due - now) * 1_000_000L);
        }
        return result(target, steps, true);
    }

    private SyncResult result(Target target, List<StartRule.Kind> steps, boolean backfillsComplete) {
        return new SyncResult(target.job(), steps, stats.snapshot(), backfillsComplete, stopRequested);
    }

    /** Runs one backfill step; returns whether it completed (a stop or a failed stream leave it to a resume). */
    private boolean backfill(Target target, Optional<SyncState> state, StartRule.Step step, BackfillStep run)
            throws CursorExpired, InterruptedException {
        SyncState begun = switch (step.kind()) {
            case BACKFILL_RESUME -> state.orElseThrow();
            case BACKFILL_EXPIRED -> {
                String age = describeAge(step.cursorAge());
                if (config.onExpired() == SyncConfig.OnExpired.FAIL) {
                    throw new CursorExpired("job '" + target.job() + "': its events cursor is " + age
                            + " old, older than the events are kept (" + config.retention().toDays() + " days less "
                            + describeAge(StartRule.margin(config.retention())) + "); run with --on-expired "
                            + "rebackfill to copy the resources again");
                }
                notices.accept("job '" + target.job() + "': the events cursor is " + age + " old, past the events' "
                        + "retention; running a fresh backfill, then following events from its start");
                yield begin(target, step.streams(), clock.epochSecond(), List.of());
            }
            case BACKFILL_FIRST -> {
                notices.accept("job '" + target.job() + "' has no events cursor yet: a backfill of "
                        + String.join(", ", step.streams()) + " first, then events from its start");
                yield begin(target, step.streams(), clock.epochSecond(), List.of());
            }
            case BACKFILL_ADDED -> {
                SyncState s = state.orElseThrow();
                notices.accept("job '" + target.job() + "': " + String.join(", ", step.streams())
                        + " not synced before; backfilling them, then events from the cursor");
                yield begin(target, step.streams(), s.cursor(), s.streams());
            }
            case EVENTS -> throw new IllegalStateException("not a backfill step");
        };
        Listing listing = run.run(begun.backfilling());
        if (!listing.complete()) {
            return false;
        }
        long swept = store(() -> sink.finishBackfill(begun, listing.ranges(), target.deletes()));
        stats.swept.add(swept);
        stats.cursor = begun.cursor();
        if (swept > 0) {
            notices.accept(swept + " row" + (swept == 1 ? "" : "s") + " not listed again by the backfill "
                    + (swept == 1 ? "is" : "are") + " now marked deleted");
        }
        return true;
    }

    private SyncState begin(Target target, List<String> streams, long cursor, List<String> following)
            throws InterruptedException {
        SyncState s = new SyncState(target.job(), target.account(), target.namespace(), cursor,
                SyncState.Phase.BACKFILL, following, streams, clock.epochMillis());
        store(() -> {
            sink.beginBackfill(s);
            return null;
        });
        return s;
    }

    /** One call to the sink, riding out a database outage. */
    private <T> T store(Supplier<T> call) throws InterruptedException {
        return storeRetry.call(call);
    }

    /**
     * One commit of the applier, riding out a database outage: tried again whole (its re-reads too), which the
     * applied events' ids make harmless. A failed request is not the store's and goes through at once.
     */
    private void commit(Target target, List<Change> changes, CursorAdvance cursor)
            throws FetchFailure, InterruptedException {
        try {
            store(() -> {
                try {
                    return applier.apply(target.namespace(), target.deletes(), changes, cursor);
                } catch (FetchFailure | InterruptedException e) {
                    throw new NotTheStore(e);
                }
            });
        } catch (NotTheStore e) {
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw (FetchFailure) e.getCause();
        }
    }

    /** Carries a request's failure or an interrupt through the retry window, which does not retry it. */
    private static final class NotTheStore extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotTheStore(Exception cause) {
            super(cause);
        }
    }

    /** Reads and applies events from the cursor up to {@code now − lag}, window by window. */
    private void catchUp(Target target, SyncState state) throws FetchFailure, InterruptedException {
        long cursor = state.cursor();
        long to = clock.epochSecond() - config.eventsLag().toSeconds();
        long overlap = config.overlap().toSeconds();
        int cap = config.maxEventsInMemory();
        while (cursor < to && !stopRequested) {
            long width = span > 0 ? Math.min(span, to - cursor) : to - cursor;
            long hi = cursor + width;
            TimeRange window = new TimeRange(Math.max(0, cursor - overlap), hi);
            WindowReader.Window w = reader.read(window, width <= 1 ? Integer.MAX_VALUE : cap);
            if (w.overflowed()) {
                long covered = Math.max(1, hi - w.overflowAt());
                long estimate = Math.max(1, covered * cap / (2 * Math.max(1, w.read())));
                span = Math.max(1, Math.min(estimate, width / 2));
                LOG.debug("more than {} events in {}; reading {} s at a time", cap, window, span);
                continue;
            }
            cursor = apply(target, w.events(), cursor, hi);
            if (w.read() < cap / 4 && span > 0) {
                span *= 2;
            }
        }
        stats.cursor = cursor;
        stats.lagSeconds = Math.max(0, clock.epochSecond() - cursor);
        long before = clock.epochSecond() - config.retention().toSeconds();
        store(() -> sink.pruneApplied(target.namespace(), before));
    }

    /** Applies a window's events in commits of at most {@code maxChangesPerCommit}; returns the cursor reached. */
    private long apply(Target target, List<FeedEvent> events, long cursor, long hi)
            throws FetchFailure, InterruptedException {
        List<Change> changes = new ArrayList<>();
        for (FeedEvent e : events) {
            if (e.change() == null) {
                if (e.second() >= cursor) { // not counted again when the overlap lists it once more
                    stats.skippedType(e.type());
                }
            } else {
                changes.add(e.change());
            }
        }
        int batch = config.maxChangesPerCommit();
        int from = 0;
        do {
            if (stopRequested) {
                return cursor;
            }
            int to = Math.min(changes.size(), from + batch);
            long next = to < changes.size() ? changes.get(to).event().second() : hi;
            long advanced = Math.max(cursor, next);
            commit(target, changes.subList(from, to),
                    new CursorAdvance(target.job(), target.account(), advanced, target.streams()));
            cursor = advanced;
            stats.cursor = cursor;
            from = to;
        } while (from < changes.size());
        return cursor;
    }

    /**
     * When the next poll starts, given when the last one was due (or, the first time, started): one interval later
     * (whatever the catch-up took), moved to just after the next whole second. The caller passes the due time, not
     * the start: a poll that woke a few milliseconds late must not push every later one a second further. The cursor's bound {@code now − lag} moves a whole second at a time,
     * so a poll early in a second sees as much as one at its end, a second sooner.
     */
    static long nextPoll(long lastDueMillis, long intervalMillis) {
        long due = lastDueMillis + intervalMillis;
        if (intervalMillis < 1000) {
            return due;
        }
        return Math.floorDiv(due + 999 - POLL_OFFSET_MILLIS, 1000) * 1000 + POLL_OFFSET_MILLIS;
    }

    /** Waits, returning early on a stop. */
    private void pause(long nanos) throws InterruptedException {
        long end = clock.nanoTime() + nanos;
        long left;
        while (!stopRequested && (left = end - clock.nanoTime()) > 0) {
            clock.sleepNanos(Math.min(left, STOP_CHECK_NANOS));
        }
    }

    static String describeAge(long seconds) {
        if (seconds >= 86_400) {
            return amount(seconds / 86_400.0, "days");
        }
        if (seconds >= 3600) {
            return amount(seconds / 3600.0, "hours");
        }
        if (seconds >= 60) {
            return amount(seconds / 60.0, "minutes");
        }
        return seconds + " s";
    }

    private static String amount(double value, String unit) {
        String text = String.format(Locale.ROOT, "%.1f", value);
        return (text.endsWith(".0") ? text.substring(0, text.length() - 2) : text) + " " + unit;
    }
}
