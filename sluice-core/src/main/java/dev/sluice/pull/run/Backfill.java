package dev.sluice.pull.run;

import dev.sluice.limit.RateLimiter;
import dev.sluice.limit.RetryWindow;
import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.ListSource;
import dev.sluice.pull.NestedLists;
import dev.sluice.pull.Page;
import dev.sluice.pull.PageRequest;
import dev.sluice.pull.RecordSink;
import dev.sluice.pull.SourceRecord;
import dev.sluice.pull.plan.Segment;
import dev.sluice.pull.plan.SegmentPlanner;
import dev.sluice.pull.run.PageFetcher.Completion;
import dev.sluice.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a backfill: fetches the segments of every stream in parallel, lets the planner split them while idle
 * workers exist, and commits each batch of answered pages together with the state of the segments they came from.
 *
 * <p>One coordinator thread (the caller of {@link #run}) owns all segment state; fetches run on virtual threads and
 * hand their pages back through a queue. The number of requests in flight follows Little's law — the limiter's rate
 * × the observed latency × headroom — capped by the planner and {@code --max-concurrency}; since a page is held only
 * while its request is counted in flight, memory is bounded by that cap times one page.
 *
 * <p>Which segments this process reads is the {@link SegmentLedger}'s: all of them (one process per job), or those
 * it claimed from a ledger shared by several processes, where a segment whose lease was lost is dropped at once —
 * its pages are not committed, and it is not a failure of the run.
 *
 * <p>What must stay true: a segment's state is committed in the same transaction as the records of the pages it
 * read, so it never runs ahead of the data; a resume re-fetches at most the one page each live segment had in
 * flight. A commit that fails transiently (the database restarting) is tried again whole through the store retry,
 * while nothing new is dispatched; it is safe to repeat because upserts are guarded by version and the state is the
 * same. Every other call to the ledger rides out an outage the same way.
 *
 * <p>Why one file of about 400 lines: the coordinator's loop and the segment state it alone mutates are one
 * invariant (state never ahead of the committed data); split across classes, that state would need sharing.
 */
public final class Backfill {
    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);
    /** Abandoned segments a busy process takes over per poll of a shared ledger. */
    private static final int ABANDONED_PER_POLL = 4;

    /**
     * One stream to run: its name, where it starts (from {@link RunRange}), and the committed checkpoint that start
     * was computed from (null: not known), so a shared ledger can tell whether another process began a run since.
     */
    public record StreamStart(String stream, Checkpoint start, Optional<Checkpoint> saved) {
        public StreamStart(String stream, Checkpoint start) {
            this(stream, start, null);
        }
    }

    private final BackfillConfig config;
    private final ListSource source;
    private final NestedLists nested;
    private final RecordSink sink;
    private final SegmentLedger ledger;
    private final SegmentPlanner planner;
    private final RateLimiter limiter;
    private final RetryWindow storeRetry;
    private final Clock clock;
    private final BackfillStats stats = new BackfillStats();
    private final LatencyEstimate latency = new LatencyEstimate();
    private volatile boolean stopRequested;

    /**
     * @param storeRetry rides out a database outage: a commit that fails transiently is tried again until the outage
     *                   outlasts its window ({@code --db-retry-for}); any other failure ends the run
     */
    public Backfill(BackfillConfig config, ListSource source, RecordSink sink, SegmentPlanner planner,
            RateLimiter limiter, RetryWindow storeRetry, Clock clock) {
        this(config, source, NestedLists.NONE, sink, planner, limiter, storeRetry, clock);
    }

    /** @param nested completes the lists an object embeds in part, in the worker that fetched its page */
    public Backfill(BackfillConfig config, ListSource source, NestedLists nested, RecordSink sink,
            SegmentPlanner planner, RateLimiter limiter, RetryWindow storeRetry, Clock clock) {
        this(config, source, nested, sink, SegmentLedger.local(sink), planner, limiter, storeRetry, clock);
    }

    /** @param ledger which segments this process reads, and how their pages commit (see {@link SegmentLedger}) */
    public Backfill(BackfillConfig config, ListSource source, NestedLists nested, RecordSink sink,
            SegmentLedger ledger, SegmentPlanner planner, RateLimiter limiter, RetryWindow storeRetry, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.source = Objects.requireNonNull(source, "source");
        this.nested = Objects.requireNonNull(nested, "nested");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.planner = Objects.requireNonNull(planner, "planner");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.storeRetry = Objects.requireNonNull(storeRetry, "storeRetry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Live counters, for progress displays. */
    public BackfillStats stats() {
        return stats;
    }

    /** Asks a running {@link #run} to stop dispatching; it returns once the requests in flight are committed. */
    public void stop() {
        stopRequested = true;
    }

    /** Runs every stream to its end (or failure) and returns how each ended. */
    public BackfillResult run(String job, String namespace, List<StreamStart> starts) throws InterruptedException {
        long began = clock.nanoTime();
        Run run = new Run(job);
        for (StreamStart s : starts) {
            sink.prepare(namespace, s.stream());
            run.add(storeRetry.call(() -> ledger.begin(job, namespace, s.stream(), s.saved(), s.start(),
                    () -> run.nextId++)), s.stream());
        }
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                run.loop(workers);
            } catch (RuntimeException | InterruptedException e) {
                // The run has failed (the database stayed away): the pages in flight would be dropped anyway, so
                // their requests are cancelled rather than waited for, retries and all.
                workers.shutdownNow();
                throw e;
            }
        }
        if (stopRequested) {
            ledger.releaseAll();
        }
        double seconds = (clock.nanoTime() - began) / 1e9;
        stats.rate = limiter.rate();
        return new BackfillResult(job, planner.name(), seconds, limiter.maxRate(), stats.snapshot(), run.outcomes(),
                stopRequested);
    }

    /** The state of one run; touched only by the coordinator thread. */
    private final class Run {
        private final String job;
        private final Map<String, StreamState> streams = new LinkedHashMap<>();
        private final ArrayDeque<Segment> ready = new ArrayDeque<>();
        private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
        private final Set<Segment> dropped = new HashSet<>();
        private final PageFetcher fetcher;
        private int nextId;
        private int inFlight;
        private long nextClaimNanos;

        Run(String job) {
            this.job = job;
            RetryingRequests pages = new RetryingRequests(limiter, config.backoff(), clock, config.seed(),
                    stats.pageTally(latency));
            this.fetcher = new PageFetcher(source, nested, pages, pages.tallying(stats.nested), completions);
        }

        void add(SegmentLedger.Begun begun, String stream) {
            StreamState st = new StreamState(stream, begun.run());
            streams.put(stream, st);
            st.segments.addAll(begun.segments());
            ready.addAll(begun.segments());
            stats.segments.add(begun.segments().size());
        }

        void loop(ExecutorService workers) throws InterruptedException {
            while (true) {
                dropLost(ledger.lost());
                if (!stopRequested) {
                    fill(workers);
                }
                publishGauges();
                if (inFlight == 0) {
                    if (stopRequested || finished()) {
                        return;
                    }
                    clock.sleep(ledger.pollInterval()); // others hold the rest: wait to take over what they drop
                    continue;
                }
                // With a shared ledger, wake up at least every poll interval: segments whose owner died are taken
                // over even while this process's own requests wait out a backoff.
                long poll = ledger.pollInterval().toNanos();
                Completion first = poll == 0 ? completions.take() : completions.poll(poll, TimeUnit.NANOSECONDS);
                if (first == null) {
                    continue;
                }
                List<Completion> batch = new ArrayList<>();
                batch.add(first);
                completions.drainTo(batch);
                handle(batch);
            }
        }

        /** Whether every stream is finished here and, with a shared ledger, by everyone (or failed here). */
        private boolean finished() throws InterruptedException {
            List<String> open = streams.values().stream().filter(st -> st.error == null).map(st -> st.name).toList();
            Optional<Map<String, Checkpoint>> done = storeRetry.call(() -> ledger.finished(open));
            done.ifPresent(cps -> cps.forEach((stream, cp) -> streams.get(stream).committed = cp));
            return done.isPresent();
        }

        /**
         * Starts requests until the in-flight target is reached. Spare capacity is filled with segments claimed from
         * the ledger, then with split-off segments — before the waiting ones go out, so the planner can split a
         * segment whose answer just arrived without cutting an answer still on the wire.
         */
        private void fill(ExecutorService workers) throws InterruptedException {
            int target = targetInFlight();
            ready.removeIf(s -> s.done() || s.inFlight());
            claim(target - inFlight - ready.size());
            int spare = target - inFlight - ready.size();
            while (spare-- > 0) {
                Segment seg = planner.split(liveSegments(), stream -> streams.get(stream).density(), () -> nextId++)
                        .orElse(null);
                if (seg == null) {
                    break;
                }
                stats.segments.increment();
                LOG.debug("split off {}", seg);
                Segment parent = liveSegments().stream().filter(p -> p.stream().equals(seg.stream())
                        && p.gte() == seg.lt()).findFirst().orElseThrow();
                if (storeRetry.call(() -> ledger.split(parent, seg))) {
                    streams.get(seg.stream()).segments.add(seg);
                    ready.add(seg);
                } else {
                    // Left in a shared ledger: idle processes may claim it first; this one asks again shortly.
                    nextClaimNanos = Math.min(nextClaimNanos, clock.nanoTime() + ledger.pollInterval().toNanos() / 2);
                }
            }
            Segment seg;
            while (inFlight < target && (seg = nextReady()) != null) {
                PageRequest request = seg.nextRequest();
                seg.inFlight(true);
                inFlight++;
                fetcher.fetch(workers, seg, request);
            }
        }

        /**
         * Claims open segments from a shared ledger: as many as there is spare capacity for; when busy, a few abandoned
         * segment per poll interval, so segments whose owner died are taken over within about a lease even while
         * every live process is busy. After an empty answer, asks again only after the poll interval.
         */
        private void claim(int spare) throws InterruptedException {
            long now = clock.nanoTime();
            boolean busy = spare <= 0;
            if (now < nextClaimNanos) {
                return;
            }
            Set<String> failed = new HashSet<>();
            streams.values().stream().filter(st -> st.error != null).forEach(st -> failed.add(st.name));
            List<Segment> claimed = storeRetry.call(
                    () -> ledger.claim(busy ? ABANDONED_PER_POLL : spare, busy, failed, () -> nextId++));
            nextClaimNanos = claimed.isEmpty() || busy ? now + ledger.pollInterval().toNanos() : now;
            for (Segment seg : claimed) {
                streams.get(seg.stream()).segments.add(seg);
                ready.add(seg);
            }
        }

        private Segment nextReady() {
            Segment seg;
            while ((seg = ready.poll()) != null) {
                if (!seg.done() && !seg.inFlight()) {
                    return seg;
                }
            }
            return null;
        }

        /** Segments whose lease was lost: someone else reads them now; their answers in flight are thrown away. */
        private void dropLost(Set<Segment> lost) {
            for (Segment seg : lost) {
                if (!dropped.add(seg)) {
                    continue;
                }
                LOG.warn("lease lost: {} (another process took it over; nothing of it is written here)", seg);
                seg.abandon();
                streams.get(seg.stream()).segments.remove(seg);
            }
        }

        /** Applies a batch of answers to the segments, then commits their records and state at once. */
        private void handle(List<Completion> batch) throws InterruptedException {
            List<SegmentLedger.PageWrite> pages = new ArrayList<>();
            for (Completion c : batch) {
                Segment seg = c.segment();
                seg.inFlight(false);
                inFlight--;
                StreamState st = streams.get(seg.stream());
                if (dropped.contains(seg) || st.error != null || c.page() == null && c.failure() == null) {
                    continue;
                }
                if (c.failure() != null) {
                    st.fail(c.failure().getMessage(), c.failure().last().status());
                    ledger.release(st.name);
                    LOG.warn("{}", c.failure().getMessage());
                    continue;
                }
                List<SourceRecord> kept = apply(st, seg, c.page());
                if (kept == null) {
                    continue; // the probe was replaced
                }
                if (!kept.isEmpty() && kept.size() < Segment.PAGE_SIZE) {
                    stats.partial.increment();
                }
                if (kept.isEmpty()) {
                    stats.wasted.increment();
                    LOG.debug("no new object from {} (answer of {} items)", seg, c.page().items().size());
                }
                pages.add(new SegmentLedger.PageWrite(seg, kept));
                if (!seg.done()) {
                    ready.add(seg);
                }
            }
            if (pages.isEmpty()) {
                return;
            }
            SegmentLedger.Committed done = storeRetry.call(
                    () -> ledger.commit(job, pages, stream -> streams.get(stream).checkpoint()));
            dropLost(done.lost());
            for (SegmentLedger.PageWrite p : pages) {
                if (!done.lost().contains(p.segment())) {
                    streams.get(p.segment().stream()).objects += p.records().size();
                    stats.objects.add(p.records().size());
                }
            }
            done.checkpoints().forEach((stream, cp) -> streams.get(stream).committed = cp);
        }

        /**
         * The probe may make the planner replace the probe segment (null is returned: the page is dropped);
         * otherwise the page is read as usual and the objects new to the segment are returned.
         */
        private List<SourceRecord> apply(StreamState st, Segment seg, Page page) throws InterruptedException {
            if (seg.isProbe()) {
                List<Segment> replacement = planner.afterProbe(seg, page, () -> nextId++);
                if (replacement != null) {
                    seg.abandon();
                    stats.segments.add(replacement.size());
                    List<Segment> here = storeRetry.call(() -> ledger.replaceProbe(seg, replacement));
                    st.segments.addAll(here);
                    ready.addAll(here);
                    return null;
                }
            }
            long top = seg.lt();
            List<SourceRecord> kept = seg.accept(page);
            st.read(kept.size(), seg.done() ? top - seg.gte() : top - seg.lt());
            return kept;
        }

        private int targetInFlight() {
            double lat = latency.seconds();
            int suggested = Double.isNaN(lat) ? config.maxConcurrency()
                    : (int) Math.ceil(limiter.rate() * lat * config.headroom());
            return Math.max(1, Math.min(config.maxConcurrency(), planner.maxInFlight(Math.max(1, suggested))));
        }

        private List<Segment> liveSegments() {
            List<Segment> live = new ArrayList<>();
            for (StreamState st : streams.values()) {
                if (st.error == null) {
                    st.segments.removeIf(Segment::done);
                    live.addAll(st.segments);
                }
            }
            return live;
        }

        private void publishGauges() {
            int live = 0;
            double remaining = 0;
            for (StreamState st : streams.values()) {
                for (Segment s : st.segments) {
                    if (!s.done()) {
                        live++;
                        double est = s.estimatedRemaining();
                        remaining += Double.isNaN(est) ? 0 : est;
                    }
                }
            }
            stats.segmentsLive = live;
            stats.estimatedRemaining = (long) remaining;
            stats.inFlight = inFlight;
            stats.rate = limiter.rate();
            stats.latencySeconds = latency.seconds();
        }

        List<StreamOutcome> outcomes() {
            List<StreamOutcome> out = new ArrayList<>();
            for (StreamState st : streams.values()) {
                out.add(new StreamOutcome(st.name, st.committed, st.objects, st.error, st.errorStatus));
            }
            return out;
        }
    }
}
