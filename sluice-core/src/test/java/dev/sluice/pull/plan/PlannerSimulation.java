package dev.sluice.pull.plan;

import dev.sluice.pull.Page;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.SourceRecord;
import dev.sluice.testing.FakeListSource;
import dev.sluice.time.TimeRange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A discrete-event model of the runner ({@code pull/run/Backfill}'s fill and handle loop) in virtual time, so a
 * planner can be judged on hundreds of accounts in a second: requests leave through a limiter of {@code rate}
 * tokens per second (no burst), each is answered after {@code latency} ± 25 %, the in-flight target is
 * rate × observed latency × 1.25 (64 before the first answer), and spare capacity is offered to the planner as
 * splits before waiting segments go out, as the runner does.
 *
 * <p>It checks, after every answer, what must stay true of the plan: no two live segments of a stream overlap, and
 * no object is read twice; at the end, every object was read.
 */
final class PlannerSimulation {
    private static final int MAX_CONCURRENCY = 64;
    private static final double HEADROOM = 1.25;

    /** What a run cost. */
    record Result(double seconds, long requests, long empty, long partial, long segments, long pagesMin,
            double boundSeconds, Map<String, Integer> emptyPerStream, int maxLive) {
        double efficiency() {
            return boundSeconds / seconds;
        }

        double requestRatio() {
            return (double) requests / pagesMin;
        }
    }

    private record Answer(double at, long seq, Segment segment, Page page, double took) {
    }

    private final SegmentPlanner planner;
    private final FakeListSource source;
    private final Map<String, Integer> counts;
    private final TimeRange range;
    private final double rate;
    private final double latency;
    private final SplittableRandom random;

    PlannerSimulation(SegmentPlanner planner, Map<String, List<FakeListSource.Obj>> streams, TimeRange range,
            double rate, double latency, long seed) {
        this.planner = planner;
        this.source = new FakeListSource(seed);
        this.counts = new LinkedHashMap<>();
        streams.forEach((name, objs) -> {
            source.add(name, objs);
            counts.put(name, objs.size());
        });
        this.range = range;
        this.rate = rate;
        this.latency = latency;
        this.random = new SplittableRandom(seed);
    }

    Result run() {
        Map<String, List<Segment>> live = new LinkedHashMap<>();
        Map<String, Set<String>> read = new HashMap<>();
        Map<String, long[]> density = new HashMap<>(); // items, seconds
        Map<String, Integer> emptyPerStream = new LinkedHashMap<>();
        ArrayDeque<Segment> ready = new ArrayDeque<>();
        PriorityQueue<Answer> answers = new PriorityQueue<>(
                Comparator.comparingDouble(Answer::at).thenComparingLong(Answer::seq));
        int[] nextId = {0};
        SegmentPlanner.SegmentIds ids = () -> nextId[0]++;
        long pagesMin = 0;
        for (var e : counts.entrySet()) {
            Segment probe = Segment.probe(e.getKey(), ids.next(), range);
            live.put(e.getKey(), new ArrayList<>(List.of(probe)));
            read.put(e.getKey(), new HashSet<>());
            density.put(e.getKey(), new long[2]);
            emptyPerStream.put(e.getKey(), 0);
            ready.add(probe);
            pagesMin += (e.getValue() + Segment.PAGE_SIZE - 1) / Segment.PAGE_SIZE;
        }
        double now = 0;
        double nextToken = 0;
        double observed = Double.NaN;
        long requests = 0;
        long empty = 0;
        long partial = 0;
        long segments = counts.size();
        long seq = 0;
        int inFlight = 0;
        int maxLive = 0;
        while (true) {
            int suggested = Double.isNaN(observed) ? MAX_CONCURRENCY : (int) Math.ceil(rate * observed * HEADROOM);
            int target = Math.max(1, Math.min(MAX_CONCURRENCY, planner.maxInFlight(Math.max(1, suggested))));
            ready.removeIf(s -> s.done() || s.inFlight());
            int spare = target - inFlight - ready.size();
            while (spare-- > 0) {
                List<Segment> all = new ArrayList<>();
                live.values().forEach(l -> {
                    l.removeIf(Segment::done);
                    all.addAll(l);
                });
                Segment split = planner.split(all, s -> {
                    long[] d = density.get(s);
                    return d[1] == 0 ? Double.NaN : d[0] / (double) d[1];
                }, ids).orElse(null);
                if (split == null) {
                    break;
                }
                live.get(split.stream()).add(split);
                ready.add(split);
                segments++;
            }
            Segment seg;
            while (inFlight < target && (seg = ready.poll()) != null) {
                if (seg.done() || seg.inFlight()) {
                    continue;
                }
                seg.inFlight(true);
                inFlight++;
                double sent = Math.max(now, nextToken);
                nextToken = sent + 1 / rate;
                requests++;
                Page page;
                try {
                    page = source.fetch(seg.nextRequest());
                } catch (SourceException e) {
                    throw new AssertionError(e);
                }
                double took = latency * (1 + 0.25 * (2 * random.nextDouble() - 1));
                answers.add(new Answer(sent + took, seq++, seg, page, took));
            }
            maxLive = Math.max(maxLive, live.values().stream().mapToInt(l -> (int) l.stream()
                    .filter(s -> !s.done()).count()).sum());
            if (inFlight == 0) {
                break;
            }
            Answer a = answers.poll();
            now = a.at();
            double took = a.took();
            observed = Double.isNaN(observed) ? took : observed + 0.2 * (took - observed);
            inFlight--;
            Segment s = a.segment();
            s.inFlight(false);
            String stream = s.stream();
            List<SourceRecord> kept;
            if (s.isProbe() && (planner.afterProbe(s, a.page(), ids) instanceof List<Segment> replacement)) {
                s.abandon();
                live.get(stream).addAll(replacement);
                ready.addAll(replacement);
                segments += replacement.size();
                kept = List.of();
            } else {
                long top = s.lt();
                kept = s.accept(a.page());
                long[] d = density.get(stream);
                d[0] += kept.size();
                d[1] += Math.max(0, s.done() ? top - s.gte() : top - s.lt());
            }
            if (kept.isEmpty()) {
                empty++;
                emptyPerStream.merge(stream, 1, Integer::sum);
            } else if (kept.size() < Segment.PAGE_SIZE) {
                partial++;
            }
            for (SourceRecord r : kept) {
                if (!read.get(stream).add(r.id())) {
                    throw new AssertionError(r.id() + " of " + stream + " read twice");
                }
            }
            if (!s.done()) {
                ready.add(s);
            }
            checkNoOverlap(live.get(stream));
        }
        for (var e : counts.entrySet()) {
            if (read.get(e.getKey()).size() != e.getValue()) {
                throw new AssertionError(e.getKey() + ": read " + read.get(e.getKey()).size() + " of " + e.getValue());
            }
        }
        return new Result(now, requests, empty, partial, segments, pagesMin, pagesMin / rate, emptyPerStream,
                maxLive);
    }

    private static void checkNoOverlap(List<Segment> segments) {
        List<Segment> open = segments.stream().filter(s -> !s.done()).sorted(Comparator.comparingLong(Segment::gte))
                .toList();
        for (int i = 1; i < open.size(); i++) {
            if (open.get(i - 1).lt() > open.get(i).gte()) {
                throw new AssertionError("live segments overlap: " + open.get(i - 1) + " and " + open.get(i));
            }
        }
    }
}
