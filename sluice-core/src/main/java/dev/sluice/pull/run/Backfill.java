package dev.sluice.pull.run;

import dev.sluice.limit.RateLimiter;
import dev.sluice.limit.RetryWindow;
import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.FetchFailure;
import dev.sluice.pull.ListSource;
import dev.sluice.pull.NestedLists;
import dev.sluice.pull.Page;
import dev.sluice.pull.PageRequest;
import dev.sluice.pull.RecordSink;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.Remainder;
import dev.sluice.pull.SourceRecord;
import dev.sluice.pull.StreamWrite;
import dev.sluice.pull.plan.Segment;
import dev.sluice.pull.plan.SegmentPlanner;
import dev.sluice.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a backfill: fetches the segments of every stream in parallel, lets the planner split them while idle
 * workers exist, and commits each batch of answered pages together with the checkpoints that cover them.
 *
 * <p>One coordinator thread (the caller of {@link #run}) owns all segment state; fetches run on virtual threads and
 * hand their pages back through a queue. The number of requests in flight follows Little's law — the limiter's rate
 * × the observed latency × headroom — capped by the planner and {@code --max-concurrency}; since a page is held only
 * while its request is counted in flight, memory is bounded by that cap times one page.
 *
 * <p>What must stay true: a checkpoint is built from segment state right after the pages it covers were applied,
 * and committed in the same transaction as their records, so it never runs ahead of the data; a resume re-fetches
 * at most the one page each live segment had in flight. A commit that fails transiently (the database restarting)
 * is tried again whole through the store retry, while nothing new is dispatched; it is safe to repeat because
 * upserts are guarded by version and the checkpoint is the same.
 */
public final class Backfill {
    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    /** One stream to run: its name and where it starts (from {@link RunRange}). */
    public record StreamStart(String stream, Checkpoint start) {
    }

    private final BackfillConfig config;
    private final ListSource source;
    private final NestedLists nested;
    private final RecordSink sink;
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
        this.config = Objects.requireNonNull(config, "config");
        this.source = Objects.requireNonNull(source, "source");
        this.nested = Objects.requireNonNull(nested, "nested");
        this.sink = Objects.requireNonNull(sink, "sink");
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
        Run run = new Run(job, namespace);
        for (StreamStart s : starts) {
            sink.prepare(namespace, s.stream());
            run.add(s);
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
        double seconds = (clock.nanoTime() - began) / 1e9;
        stats.rate = limiter.rate();
        return new BackfillResult(job, planner.name(), seconds, limiter.maxRate(), stats.snapshot(), run.outcomes(),
                stopRequested);
    }

    /** Names a page request in a failure's message. */
    private static String describe(PageRequest r) {
        return "stream " + r.stream() + ", range " + r.range() + ", cursor "
                + (r.startingAfter() == null ? "(start)" : r.startingAfter());
    }

    /** An answered request: the page, or why there is none. */
    private record Completion(Segment segment, Page page, FetchFailure failure) {
    }

    /** The state of one run; touched only by the coordinator thread. */
    private final class Run {
        private final String job;
        private final String namespace;
        private final Map<String, StreamState> streams = new LinkedHashMap<>();
        private final ArrayDeque<Segment> ready = new ArrayDeque<>();
        private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
        private final RetryingRequests pages;
        private final RetryingRequests nestedRequests;
        private int nextId;
        private int inFlight;

        Run(String job, String namespace) {
            this.job = job;
            this.namespace = namespace;
            this.pages = new RetryingRequests(limiter, config.backoff(), clock, config.seed(), stats.pageTally(latency));
            this.nestedRequests = pages.tallying(stats.nested);
        }

        void add(StreamStart s) {
            StreamState st = new StreamState(s.stream(), s.start());
            streams.put(s.stream(), st);
            Checkpoint cp = s.start();
            List<Remainder> rem = cp.remaining();
            boolean fresh = rem.size() == 1 && rem.get(0).cursor() == null && rem.get(0).range().equals(cp.range());
            for (Remainder r : rem) {
                Segment seg = fresh ? Segment.probe(s.stream(), nextId++, cp.range())
                        : Segment.resumed(s.stream(), nextId++, r);
                st.segments.add(seg);
                ready.add(seg);
                stats.segments.increment();
            }
        }

        void loop(ExecutorService workers) throws InterruptedException {
            while (true) {
                if (!stopRequested) {
                    fill(workers);
                }
                publishGauges();
                if (inFlight == 0) {
                    return;
                }
                List<Completion> batch = new ArrayList<>();
                batch.add(completions.take());
                completions.drainTo(batch);
                handle(batch);
            }
        }

        /**
         * Starts requests until the in-flight target is reached. Spare capacity beyond the segments waiting to be
         * fetched is filled with split-off segments first — before the waiting ones go out, so the planner can
         * split a segment whose answer just arrived without cutting an answer still on the wire.
         */
        private void fill(ExecutorService workers) {
            int target = targetInFlight();
            ready.removeIf(s -> s.done() || s.inFlight());
            int spare = target - inFlight - ready.size();
            while (spare-- > 0) {
                Segment seg = planner.split(liveSegments(), stream -> streams.get(stream).density(), () -> nextId++)
                        .orElse(null);
                if (seg == null) {
                    break;
                }
                streams.get(seg.stream()).segments.add(seg);
                ready.add(seg);
                stats.segments.increment();
                LOG.debug("split off {}", seg);
            }
            Segment seg;
            while (inFlight < target && (seg = nextReady()) != null) {
                dispatch(workers, seg);
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

        private void dispatch(ExecutorService workers, Segment seg) {
            PageRequest request = seg.nextRequest();
            seg.inFlight(true);
            inFlight++;
            workers.execute(() -> {
                Completion c;
                try {
                    Page page = pages.send(describe(request), () -> source.fetch(request));
                    c = new Completion(seg, complete(request.stream(), page), null);
                } catch (FetchFailure f) {
                    c = new Completion(seg, null, f);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    c = new Completion(seg, null, null);
                } catch (RuntimeException e) {
                    c = new Completion(seg, null, new FetchFailure(describe(request), 1,
                            new SourceException(SourceException.Kind.CLIENT_ERROR, 0, "unexpected error: " + e, null, e)));
                }
                completions.add(c);
            });
        }

        /** The page with every object's nested lists complete (the same page when nothing was missing). */
        private Page complete(String stream, Page page) throws FetchFailure, InterruptedException {
            if (nested == NestedLists.NONE) {
                return page;
            }
            List<SourceRecord> items = new ArrayList<>(page.items().size());
            for (SourceRecord r : page.items()) {
                String json = nested.complete(stream, r.id(), r.json(), nestedRequests);
                items.add(json.equals(r.json()) ? r : new SourceRecord(r.id(), r.created(), r.version(), json));
            }
            return new Page(items, page.hasMore());
        }

        /** Applies a batch of answers to the segments, then commits their records and checkpoints at once. */
        private void handle(List<Completion> batch) throws InterruptedException {
            Map<String, List<SourceRecord>> records = new LinkedHashMap<>();
            for (Completion c : batch) {
                Segment seg = c.segment();
                seg.inFlight(false);
                inFlight--;
                StreamState st = streams.get(seg.stream());
                if (st.error != null || c.page() == null && c.failure() == null) {
                    continue;
                }
                if (c.failure() != null) {
                    st.fail(c.failure().getMessage(), c.failure().last().status());
                    LOG.warn("{}", c.failure().getMessage());
                    continue;
                }
                List<SourceRecord> kept = apply(st, seg, c.page());
                if (!kept.isEmpty() && kept.size() < Segment.PAGE_SIZE) {
                    stats.partial.increment();
                }
                if (kept.isEmpty()) {
                    stats.wasted.increment();
                    LOG.debug("no new object from {} (answer of {} items)", seg, c.page().items().size());
                }
                records.computeIfAbsent(seg.stream(), k -> new ArrayList<>()).addAll(kept);
                if (!seg.done()) {
                    ready.add(seg);
                }
            }
            if (records.isEmpty()) {
                return;
            }
            List<StreamWrite> writes = new ArrayList<>(records.size());
            for (Map.Entry<String, List<SourceRecord>> e : records.entrySet()) {
                StreamState st = streams.get(e.getKey());
                writes.add(new StreamWrite(namespace, st.name, e.getValue(), st.checkpoint()));
            }
            storeRetry.call(() -> {
                sink.commit(job, writes);
                return null;
            });
            for (StreamWrite w : writes) {
                StreamState st = streams.get(w.stream());
                st.committed = w.checkpoint();
                st.objects += w.records().size();
                stats.objects.add(w.records().size());
            }
        }

        /** The probe may make the planner replace the probe segment; otherwise the page is read as usual. */
        private List<SourceRecord> apply(StreamState st, Segment seg, Page page) {
            if (seg.isProbe()) {
                List<Segment> replacement = planner.afterProbe(seg, page, () -> nextId++);
                if (replacement != null) {
                    seg.abandon();
                    st.segments.addAll(replacement);
                    ready.addAll(replacement);
                    stats.segments.add(replacement.size());
                    return List.of();
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

    /** A stream's segments and what of it is committed. */
    private static final class StreamState {
        final String name;
        final List<Segment> segments = new ArrayList<>();
        final Checkpoint start;
        Checkpoint committed;
        long objects;
        String error;
        int errorStatus;
        private long itemsRead;
        private long secondsCovered;

        StreamState(String name, Checkpoint start) {
            this.name = name;
            this.start = start;
            this.committed = start;
        }

        Checkpoint checkpoint() {
            List<Remainder> remaining = new ArrayList<>();
            for (Segment s : segments) {
                if (!s.done()) {
                    remaining.add(s.remainder());
                }
            }
            remaining.sort((a, b) -> Long.compare(b.lt(), a.lt()));
            return new Checkpoint(start.range(), remaining);
        }

        /** Records a page: its new objects and the seconds of the range it showed (all of a finished segment's). */
        void read(int items, long seconds) {
            itemsRead += items;
            secondsCovered += Math.max(0, seconds);
        }

        /** Objects per second over everything this stream has read, or NaN before anything. */
        double density() {
            return secondsCovered == 0 ? Double.NaN : itemsRead / (double) secondsCovered;
        }

        void fail(String message, int status) {
            error = message;
            errorStatus = status;
            for (Segment s : segments) {
                s.abandon();
            }
        }
    }
}
