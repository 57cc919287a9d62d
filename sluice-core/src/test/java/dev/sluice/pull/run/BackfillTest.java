package dev.sluice.pull.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.limit.Backoff;
import dev.sluice.limit.RateLimiter;
import dev.sluice.limit.RetryWindow;
import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.NestedLists;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.plan.SegmentPlanner;
import dev.sluice.testing.FakeClock;
import dev.sluice.testing.FakeListSource;
import dev.sluice.testing.FakeListSource.Obj;
import dev.sluice.testing.MemorySink;
import dev.sluice.time.TimeRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The runner against an in-memory source and sink with a fake clock: nothing lost, nothing doubled, checkpoints
 * that never run ahead of the data, whatever the distribution, the planner or the faults.
 */
class BackfillTest {
    private static final long GTE = 1_600_000_000L;
    private static final long LT = GTE + 400 * 86_400L;

    /** Seeded distributions of the shapes real accounts have. */
    static List<Obj> distribution(String shape, SplittableRandom r, String prefix, int n) {
        List<Obj> out = new ArrayList<>();
        switch (shape) {
            case "uniform" -> out.addAll(FakeListSource.uniform(r, prefix, n, GTE, LT));
            case "recent" -> {
                out.addAll(FakeListSource.uniform(r, prefix + "o", n / 5, GTE, LT - 30 * 86_400L));
                out.addAll(FakeListSource.uniform(r, prefix + "r", n - n / 5, LT - 30 * 86_400L, LT));
            }
            case "spikes" -> {
                out.addAll(FakeListSource.uniform(r, prefix + "b", n / 4, GTE, LT));
                for (int i = 0; i < 3; i++) {
                    long at = GTE + r.nextLong(LT - GTE - 7200);
                    out.addAll(FakeListSource.uniform(r, prefix + "s" + i, n / 4, at, at + 7200));
                }
            }
            case "pileup" -> {
                out.addAll(FakeListSource.uniform(r, prefix + "b", n / 2, GTE, LT));
                long at = GTE + r.nextLong(LT - GTE);
                out.addAll(FakeListSource.uniform(r, prefix + "p", n - n / 2, at, at + 1));
            }
            default -> throw new IllegalArgumentException(shape);
        }
        return out;
    }

    static Stream<Arguments> seedsAndShapes() {
        List<Arguments> args = new ArrayList<>();
        String[] shapes = {"uniform", "recent", "spikes", "pileup"};
        String[] planners = {"adaptive", "fixed", "sequential"};
        for (int seed = 1; seed <= 60; seed++) {
            args.add(Arguments.of(seed, shapes[seed % shapes.length], planners[seed % planners.length]));
        }
        return args.stream();
    }

    private static Backfill backfill(FakeListSource source, MemorySink sink, String planner, FakeClock clock) {
        BackfillConfig config = BackfillConfig.builder()
                .backoff(Backoff.builder().maxAttempts(12).base(Duration.ofMillis(10)).max(Duration.ofMillis(200)).build())
                .build();
        RateLimiter limiter = new RateLimiter(RateLimiter.Config.ofRate(100), clock);
        return new Backfill(config, source, sink, SegmentPlanner.named(planner), limiter, RetryWindow.none(clock),
                clock);
    }

    private static BackfillResult run(Backfill b, MemorySink sink, String job, List<String> streams)
            throws InterruptedException {
        List<Backfill.StreamStart> starts = new ArrayList<>();
        for (String s : streams) {
            Optional<Checkpoint> saved = sink.checkpoint(job, s);
            starts.add(new Backfill.StreamStart(s, RunRange.start(s, saved, false, GTE, LT, () -> GTE, LT)));
        }
        return b.run(job, "stripe", starts);
    }

    @ParameterizedTest(name = "seed {0} {1} {2}")
    @MethodSource("seedsAndShapes")
    void theSinkHoldsExactlyTheSourceForEverySeedShapeAndPlanner(int seed, String shape, String planner)
            throws InterruptedException {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1 + r.nextInt(3000);
        FakeListSource source = new FakeListSource(seed)
                .add("customers", distribution(shape, r, "cus_", n))
                .add("charges", distribution(shape, r, "ch_", n / 3));
        MemorySink sink = new MemorySink();
        FakeClock clock = new FakeClock();
        BackfillResult result = run(backfill(source, sink, planner, clock), sink, "job", List.of("customers", "charges"));

        assertThat(result.complete()).isTrue();
        for (String stream : List.of("customers", "charges")) {
            assertThat(sink.table("stripe", stream).keySet()).isEqualTo(source.ids(stream, GTE, LT));
            assertThat(sink.checkpoint("job", stream).orElseThrow().done()).isTrue();
        }
        assertThat(result.stats().objects())
                .isEqualTo(source.ids("customers", GTE, LT).size() + source.ids("charges", GTE, LT).size());
        if (!planner.equals("fixed")) {
            // Each object is served once, except where a split cut a page that was already in flight.
            long doubles = source.served().values().stream().filter(v -> v > 1).count();
            assertThat(doubles).isLessThanOrEqualTo(100L * result.stats().wasted() + 100);
        }
    }

    @ParameterizedTest(name = "{0} objects")
    @ValueSource(ints = {0, 1, 99, 100, 101, 250, 1000})
    void pageBoundaries(int n) throws InterruptedException {
        SplittableRandom r = new SplittableRandom(n);
        FakeListSource source = new FakeListSource(1).add("customers", FakeListSource.uniform(r, "cus_", n, GTE, LT));
        MemorySink sink = new MemorySink();
        BackfillResult result = run(backfill(source, sink, "adaptive", new FakeClock()), sink, "j", List.of("customers"));
        assertThat(result.complete()).isTrue();
        assertThat(sink.table("stripe", "customers").keySet()).isEqualTo(source.ids("customers", GTE, LT));
        if (n <= 100) {
            assertThat(source.requests()).as("the probe is real data: one request when it holds everything").isEqualTo(1);
        }
    }

    @Test
    void objectsOnTheBoundarySecondsBelongToTheHalfOpenRange() throws InterruptedException {
        List<Obj> objs = List.of(new Obj("a", GTE - 1), new Obj("b", GTE), new Obj("c", LT - 1), new Obj("d", LT));
        FakeListSource source = new FakeListSource(1).add("customers", objs);
        MemorySink sink = new MemorySink();
        run(backfill(source, sink, "adaptive", new FakeClock()), sink, "j", List.of("customers"));
        assertThat(sink.table("stripe", "customers").keySet()).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void hundredsOfObjectsInTheSecondWhereASplitFalls() throws InterruptedException {
        SplittableRandom r = new SplittableRandom(3);
        List<Obj> objs = new ArrayList<>(FakeListSource.uniform(r, "u", 4000, GTE, LT));
        long mid = GTE + (LT - GTE) / 2;
        objs.addAll(FakeListSource.uniform(r, "m", 300, mid, mid + 1));
        objs.addAll(FakeListSource.uniform(r, "n", 300, mid - 1, mid));
        FakeListSource source = new FakeListSource(1).add("customers", objs);
        MemorySink sink = new MemorySink();
        BackfillResult result = run(backfill(source, sink, "adaptive", new FakeClock()), sink, "j", List.of("customers"));
        assertThat(result.complete()).isTrue();
        assertThat(sink.table("stripe", "customers")).hasSize(4600);
    }

    @Test
    void injectedThrottlingServerErrorsAndDropsStillEndWithEveryObject() throws InterruptedException {
        SplittableRandom r = new SplittableRandom(11);
        FakeListSource source = new FakeListSource(5).faults(0.1, 0.1, 0.1)
                .add("customers", distribution("spikes", r, "cus_", 5000));
        MemorySink sink = new MemorySink();
        BackfillResult result = run(backfill(source, sink, "adaptive", new FakeClock()), sink, "j", List.of("customers"));
        assertThat(result.complete()).isTrue();
        assertThat(sink.table("stripe", "customers").keySet()).isEqualTo(source.ids("customers", GTE, LT));
        assertThat(result.stats().throttled()).isPositive();
        assertThat(result.stats().serverErrors()).isPositive();
        assertThat(result.stats().transportErrors()).isPositive();
        assertThat(result.stats().requests()).isEqualTo(source.requests());
    }

    @Test
    void aRefusedStreamFailsWithTheApisMessageWhileTheOthersFinish() throws InterruptedException {
        SplittableRandom r = new SplittableRandom(2);
        FakeListSource source = new FakeListSource(1)
                .add("customers", FakeListSource.uniform(r, "cus_", 500, GTE, LT))
                .add("charges", FakeListSource.uniform(r, "ch_", 500, GTE, LT))
                .refuse("charges");
        MemorySink sink = new MemorySink();
        BackfillResult result = run(backfill(source, sink, "adaptive", new FakeClock()), sink, "j",
                List.of("customers", "charges"));
        assertThat(result.complete()).isFalse();
        StreamOutcome charges = result.streams().stream().filter(s -> s.stream().equals("charges")).findFirst().orElseThrow();
        assertThat(charges.error()).contains("stream charges").contains("Invalid request for charges");
        assertThat(sink.table("stripe", "customers")).hasSize(500);
    }

    @Test
    void nestedListsAreCompletedThroughTheLimiterBeforeThePageCommits() throws InterruptedException {
        SplittableRandom r = new SplittableRandom(3);
        FakeListSource source = new FakeListSource(1).add("invoices", FakeListSource.uniform(r, "in_", 300, GTE, LT));
        MemorySink sink = new MemorySink();
        FakeClock clock = new FakeClock();
        AtomicInteger calls = new AtomicInteger();
        // Every third invoice needs two more requests, the first of which fails once with a 500.
        NestedLists lines = (stream, id, json, requests) -> {
            if (id.hashCode() % 3 != 0) {
                return json;
            }
            String rest = requests.send("lines of " + id, () -> {
                if (calls.incrementAndGet() % 5 == 1) {
                    throw new SourceException(SourceException.Kind.SERVER_ERROR, 500, "flaky");
                }
                return "1";
            }) + requests.send("lines of " + id + " page 2", () -> "2");
            return json.substring(0, json.length() - 1) + ",\"lines\":\"" + rest + "\"}";
        };
        Backfill b = new Backfill(BackfillConfig.ofDefaults(), source, lines, sink, SegmentPlanner.named("adaptive"),
                new RateLimiter(RateLimiter.Config.ofRate(100), clock), RetryWindow.none(clock), clock);
        BackfillResult result = run(b, sink, "j", List.of("invoices"));
        assertThat(result.complete()).isTrue();
        long completed = sink.table("stripe", "invoices").values().stream()
                .filter(rec -> rec.json().contains("\"lines\":\"12\"")).count();
        long expected = source.ids("invoices", GTE, LT).stream().filter(id -> id.hashCode() % 3 == 0).count();
        assertThat(completed).isEqualTo(expected).isPositive();
        assertThat(result.stats().nestedRequests()).isEqualTo(calls.get() + expected);
        assertThat(result.stats().requests()).isEqualTo(source.requests());
    }

    @Test
    void aNestedListThatCannotBeFetchedFailsItsStream() throws InterruptedException {
        SplittableRandom r = new SplittableRandom(4);
        FakeListSource source = new FakeListSource(1).add("invoices", FakeListSource.uniform(r, "in_", 50, GTE, LT));
        MemorySink sink = new MemorySink();
        FakeClock clock = new FakeClock();
        NestedLists refused = (stream, id, json, requests) -> requests.send("GET /v1/invoices/" + id + "/lines", () -> {
            throw new SourceException(SourceException.Kind.CLIENT_ERROR, 404, "No such invoice");
        });
        Backfill b = new Backfill(BackfillConfig.ofDefaults(), source, refused, sink, SegmentPlanner.named("adaptive"),
                new RateLimiter(RateLimiter.Config.ofRate(100), clock), RetryWindow.none(clock), clock);
        BackfillResult result = run(b, sink, "j", List.of("invoices"));
        assertThat(result.complete()).isFalse();
        assertThat(result.streams().get(0).error()).contains("/lines: the API refused the request: No such invoice");
        assertThat(sink.table("stripe", "invoices")).isEmpty();
    }

    @Test
    void retriesGiveUpWithAnErrorNamingStreamRangeAndCursor() throws InterruptedException {
        SplittableRandom r = new SplittableRandom(2);
        FakeListSource source = new FakeListSource(1).faults(0, 1.0, 0)
                .add("customers", FakeListSource.uniform(r, "cus_", 10, GTE, LT));
        MemorySink sink = new MemorySink();
        BackfillResult result = run(backfill(source, sink, "adaptive", new FakeClock()), sink, "j", List.of("customers"));
        assertThat(result.streams().get(0).error())
                .contains("stream customers").contains(new TimeRange(GTE, LT).toString())
                .contains("cursor (start)").contains("gave up after 12 attempts");
    }

    @ParameterizedTest(name = "crash after {0} commits")
    @ValueSource(ints = {1, 2, 5, 9, 17, 30})
    void aCrashBetweenCommitsResumesFromTheCommittedCheckpointAndLosesNothing(int commitsBeforeCrash)
            throws InterruptedException {
        SplittableRandom r = new SplittableRandom(commitsBeforeCrash);
        FakeListSource source = new FakeListSource(1)
                .add("customers", distribution("spikes", r, "cus_", 4000))
                .add("charges", distribution("recent", r, "ch_", 2000));
        MemorySink sink = new MemorySink().failAfter(commitsBeforeCrash + 1);
        FakeClock clock = new FakeClock();
        assertThatThrownBy(() -> run(backfill(source, sink, "adaptive", clock), sink, "j",
                List.of("customers", "charges"))).hasMessageContaining("injected crash");
        int servedBefore = source.served().values().stream().mapToInt(Integer::intValue).sum();
        java.util.Set<String> committed = new java.util.HashSet<>(sink.table("stripe", "customers").keySet());
        int liveSegments = sink.checkpoint("j", "customers").map(c -> c.remaining().size()).orElse(1)
                + sink.checkpoint("j", "charges").map(c -> c.remaining().size()).orElse(1);

        java.util.Map<String, Integer> before = new java.util.HashMap<>(source.served());
        BackfillResult resumed = run(backfill(source, sink, "adaptive", clock), sink, "j", List.of("customers", "charges"));

        assertThat(resumed.complete()).isTrue();
        assertThat(sink.table("stripe", "customers").keySet()).isEqualTo(source.ids("customers", GTE, LT));
        assertThat(sink.table("stripe", "charges").keySet()).isEqualTo(source.ids("charges", GTE, LT));
        // Nothing committed before the crash is fetched again.
        for (String id : committed) {
            assertThat(source.served().get(id)).as(id).isEqualTo(before.get(id));
        }
        assertThat(servedBefore).isPositive();
        assertThat(liveSegments).isPositive();
    }

    private static Backfill withStoreRetry(FakeListSource source, MemorySink sink, FakeClock clock, Duration window) {
        RetryWindow retry = new RetryWindow(RetryWindow.Config.builder().retryFor(window).build(),
                e -> e instanceof MemorySink.Unavailable, "the memory sink", clock);
        return new Backfill(BackfillConfig.ofDefaults(), source, sink, SegmentPlanner.named("adaptive"),
                new RateLimiter(RateLimiter.Config.ofRate(100), clock), retry, clock);
    }

    @Test
    void aDatabaseOutageIsRiddenOutAndEveryObjectLandsOnce() throws InterruptedException {
        SplittableRandom r = new SplittableRandom(31);
        FakeListSource source = new FakeListSource(1)
                .add("customers", distribution("spikes", r, "cus_", 3000))
                .add("charges", distribution("uniform", r, "ch_", 1000));
        MemorySink sink = new MemorySink().outage(3, 8); // about two seconds of backoff on the fake clock
        FakeClock clock = new FakeClock();
        BackfillResult result = run(withStoreRetry(source, sink, clock, Duration.ofMinutes(2)), sink, "j",
                List.of("customers", "charges"));

        assertThat(result.complete()).isTrue();
        assertThat(sink.table("stripe", "customers").keySet()).isEqualTo(source.ids("customers", GTE, LT));
        assertThat(sink.table("stripe", "charges").keySet()).isEqualTo(source.ids("charges", GTE, LT));
        assertThat(result.stats().objects()).isEqualTo(4000);
    }

    @Test
    void anOutageLongerThanTheWindowEndsTheRunAndTheResumeLosesNothing() throws InterruptedException {
        SplittableRandom r = new SplittableRandom(32);
        FakeListSource source = new FakeListSource(1).add("customers", distribution("recent", r, "cus_", 2000));
        MemorySink sink = new MemorySink().outage(3, Integer.MAX_VALUE);
        FakeClock clock = new FakeClock();
        long began = clock.nanoTime();
        assertThatThrownBy(() -> run(withStoreRetry(source, sink, clock, Duration.ofSeconds(10)), sink, "j",
                List.of("customers")))
                .isInstanceOf(RetryWindow.OutageTooLong.class)
                .hasMessageMatching("The memory sink has been unavailable for 1\\d\\.\\d s, longer than"
                        + " --db-retry-for 10s: injected outage at commit \\d+");
        assertThat(clock.nanoTime() - began).isBetween(10_000_000_000L, 15_000_000_000L);
        assertThat(sink.checkpoint("j", "customers")).isPresent();

        sink.outage(0, 0);
        BackfillResult resumed = run(withStoreRetry(source, sink, clock, Duration.ofSeconds(10)), sink, "j",
                List.of("customers"));
        assertThat(resumed.complete()).isTrue();
        assertThat(sink.table("stripe", "customers").keySet()).isEqualTo(source.ids("customers", GTE, LT));
    }

    @Test
    void aFinishedJobRunsIncrementallyFromWhereItEnded() throws InterruptedException {
        SplittableRandom r = new SplittableRandom(4);
        List<Obj> first = FakeListSource.uniform(r, "a", 300, GTE, LT);
        List<Obj> later = FakeListSource.uniform(r, "b", 120, LT, LT + 1000);
        List<Obj> all = new ArrayList<>(first);
        all.addAll(later);
        FakeListSource source = new FakeListSource(1).add("customers", all);
        MemorySink sink = new MemorySink();
        FakeClock clock = new FakeClock();
        Backfill b1 = backfill(source, sink, "adaptive", clock);
        b1.run("j", "stripe", List.of(new Backfill.StreamStart("customers",
                RunRange.start("customers", Optional.empty(), false, GTE, null, () -> GTE, LT - 1))));
        assertThat(sink.table("stripe", "customers")).hasSize(300);
        Checkpoint next = RunRange.start("customers", sink.checkpoint("j", "customers"), false, null, null,
                () -> GTE, LT + 2000);
        assertThat(next.range()).isEqualTo(new TimeRange(LT - RunRange.INCREMENTAL_OVERLAP_SECONDS, LT + 2001));
        backfill(source, sink, "adaptive", clock).run("j", "stripe", List.of(new Backfill.StreamStart("customers", next)));
        assertThat(sink.table("stripe", "customers")).hasSize(420);
    }
}
