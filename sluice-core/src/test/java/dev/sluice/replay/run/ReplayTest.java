package dev.sluice.replay.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.limit.RetryWindow;
import dev.sluice.replay.Event;
import dev.sluice.replay.Subscription;
import dev.sluice.replay.govern.Governor;
import dev.sluice.replay.govern.GovernorConfig;
import dev.sluice.replay.govern.Mode;
import dev.sluice.replay.govern.Throttle;
import dev.sluice.testing.ListEventSource;
import dev.sluice.testing.MemoryReplaySink;
import dev.sluice.testing.RandomEvents;
import dev.sluice.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplayTest {
    private static final long START = 1_700_000_000_000_000L;

    /** The memory sink's injected failures stand for a database outage: they are transient. */
    static RetryWindow storeRetry(Duration window) {
        return new RetryWindow(RetryWindow.Config.builder().retryFor(window).backoffBase(Duration.ofMillis(5))
                .backoffMax(Duration.ofMillis(50)).build(), e -> e instanceof IllegalStateException, "the memory sink",
                Clock.system());
    }

    static Replay replay(ListEventSource source, MemoryReplaySink sink, ReplayConfig config) {
        return replay(source, sink, config, storeRetry(Duration.ofSeconds(30)));
    }

    static Replay replay(ListEventSource source, MemoryReplaySink sink, ReplayConfig config, RetryWindow retry) {
        Governor g = new Governor(GovernorConfig.builder().mode(Mode.FAST).maxConcurrency(4).build(),
                Clock.system());
        return new Replay(source, sink, g, new Throttle(g, Clock.system()), config, retry, Clock.system());
    }

    static ReplayConfig.Builder config() {
        return ReplayConfig.builder().job("job").subscription(Subscription.from(START))
                .linger(Duration.ofMillis(20)).idleStop(Duration.ofMillis(200));
    }

    static ReplayConfig config(OptionalLong until) {
        return config().untilUs(until).linger(Duration.ofMillis(50)).build();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void aReplayEndsWithWhatFoldingTheHistoryGives(long seed) throws Exception {
        List<Event> events = RandomEvents.generate(seed, 20_000, START, 300);
        MemoryReplaySink sink = new MemoryReplaySink();
        ReplayResult r = replay(new ListEventSource(events, false), sink, config(OptionalLong.empty())).run();

        MemoryReplaySink ref = MemoryReplaySink.reference(events);
        assertThat(sink.liveRecords()).isEqualTo(ref.liveRecords());
        assertThat(sink.identitySeqs()).isEqualTo(ref.identitySeqs());
        assertThat(sink.accountSeqs()).isEqualTo(ref.accountSeqs());
        assertThat(r.caughtUp()).isTrue();
        assertThat(r.stats().received()).isEqualTo(events.size());
        assertThat(r.stats().applied() + r.stats().skipped()).isEqualTo(events.size());
        assertThat(r.checkpointUs()).isEqualTo(events.getLast().timeUs() + 1);
        assertThat(sink.checkpoint("job")).hasValue(events.getLast().timeUs() + 1);
    }

    @Test
    void stopsAtTheFrozenUpperBoundAndCommitsItAsTheCheckpoint() throws Exception {
        List<Event> events = RandomEvents.generate(7, 5_000, START, 100);
        long until = events.get(3_000).timeUs();
        MemoryReplaySink sink = new MemoryReplaySink();
        ReplayResult r = replay(new ListEventSource(events, true), sink, config(OptionalLong.of(until))).run();

        assertThat(r.caughtUp()).isTrue();
        assertThat(r.checkpointUs()).isEqualTo(until);
        assertThat(sink.liveRecords()).isEqualTo(MemoryReplaySink.reference(events.subList(0, 3_000)).liveRecords());

        // the next run starts exactly there and applies the rest
        ReplayResult next = replay(new ListEventSource(events, false), sink, config(OptionalLong.empty())).run();
        assertThat(next.resumed()).isTrue();
        assertThat(next.startCursorUs()).isEqualTo(until);
        assertThat(next.stats().received()).isEqualTo(2_000);
        assertThat(sink.liveRecords()).isEqualTo(MemoryReplaySink.reference(events).liveRecords());
    }

    @Test
    void aFailedCommitIsRetriedAndCountedOnce() throws Exception {
        List<Event> events = RandomEvents.generate(11, 3_000, START, 50);
        MemoryReplaySink sink = new MemoryReplaySink();
        AtomicInteger failures = new AtomicInteger();
        sink.failWhen(batch -> !batch.isEmpty() && failures.getAndIncrement() < 2);
        ReplayResult r = replay(new ListEventSource(events, false), sink, config(OptionalLong.empty())).run();

        assertThat(r.stats().failedCommits()).isEqualTo(2);
        assertThat(sink.liveRecords()).isEqualTo(MemoryReplaySink.reference(events).liveRecords());
    }

    @Test
    void aSinkThatNeverRecoversFailsTheRunAndTheResumeLosesNothing() throws Exception {
        List<Event> events = RandomEvents.generate(13, 10_000, START, 200);
        MemoryReplaySink sink = new MemoryReplaySink();
        long breakAt = events.get(6_000).timeUs();
        sink.failWhen(batch -> batch.stream().anyMatch(e -> e.timeUs() >= breakAt));
        ReplayConfig cfg = config().maxBytesInFlight(1 << 20).build();
        assertThatThrownBy(() -> replay(new ListEventSource(events, false), sink, cfg,
                storeRetry(Duration.ofMillis(300))).run())
                .isInstanceOf(Replay.ReplayException.class)
                .hasMessageContaining("could not be committed")
                .hasMessageContaining("longer than --db-retry-for 300ms")
                .hasCauseInstanceOf(RetryWindow.OutageTooLong.class);
        long cp = sink.checkpoint("job").orElseThrow();
        assertThat(cp).isLessThanOrEqualTo(breakAt);

        sink.failWhen(batch -> false);
        ReplayResult resumed = replay(new ListEventSource(events, false), sink, cfg).run();
        assertThat(resumed.startCursorUs()).isEqualTo(cp);
        assertThat(sink.liveRecords()).isEqualTo(MemoryReplaySink.reference(events).liveRecords());
        assertThat(sink.identitySeqs()).isEqualTo(MemoryReplaySink.reference(events).identitySeqs());
    }

    @Test
    void aFailureThatIsNotTransientFailsTheRunAtOnce() throws Exception {
        List<Event> events = RandomEvents.generate(19, 3_000, START, 50);
        MemoryReplaySink sink = new MemoryReplaySink();
        AtomicInteger attempts = new AtomicInteger();
        sink.failWhen(batch -> attempts.incrementAndGet() > 0);
        RetryWindow nothingIsTransient = new RetryWindow(RetryWindow.Config.ofDefaults(), e -> false, "the memory sink",
                Clock.system());
        assertThatThrownBy(() -> replay(new ListEventSource(events, false), sink, config(OptionalLong.empty()),
                nothingIsTransient).run())
                .isInstanceOf(Replay.ReplayException.class)
                .hasMessageContaining("could not be committed: injected commit failure");
        assertThat(attempts.get()).isLessThanOrEqualTo(4); // one per lane at most, none retried
    }

    @Test
    void aStalledSinkStopsTheReaderWithinTheByteBudget() throws Exception {
        List<Event> events = RandomEvents.generate(17, 20_000, START, 5_000);
        CountDownLatch release = new CountDownLatch(1);
        MemoryReplaySink sink = new MemoryReplaySink();
        sink.failWhen(batch -> {
            try {
                release.await(); // the database stalls
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        });
        long budget = 64 << 10; // binds before the four commit slots do
        ReplayConfig cfg = config().maxBytesInFlight(budget).build();
        ListEventSource source = new ListEventSource(events, false);
        Replay replay = replay(source, sink, cfg);
        ExecutorService runner = Executors.newSingleThreadExecutor();
        Future<ReplayResult> run = runner.submit(replay::run);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> replay.stats().snapshot().bytesInFlight() > budget / 2);
            int readWhenStalled = source.delivered();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> source.delivered() == readWhenStalled);
            // at most the budget, plus the one event that found it spent
            assertThat(replay.stats().snapshot().bytesInFlight()).isLessThanOrEqualTo(budget);
            assertThat(source.delivered()).isLessThan((int) (budget / 200 + 2));
        } finally {
            release.countDown();
        }
        ReplayResult r = run.get(30, TimeUnit.SECONDS);
        runner.shutdown();
        assertThat(r.stats().received()).isEqualTo(events.size());
        assertThat(sink.liveRecords()).isEqualTo(MemoryReplaySink.reference(events).liveRecords());
    }

    @Test
    void aCursorTheSourceCouldNotServeIsReportedAsAGap() throws Exception {
        List<Event> events = RandomEvents.generate(19, 100, START + 3_600_000_000L, 10);
        ReplayResult r = replay(new ListEventSource(events, false), new MemoryReplaySink(),
                config(OptionalLong.empty())).run();
        assertThat(r.gap()).isPresent();
        assertThat(r.gap().get().requestedUs()).isEqualTo(START);
        assertThat(r.gap().get().firstUs()).isEqualTo(events.getFirst().timeUs());
        assertThat(r.gap().get().seconds()).isGreaterThan(3_599);
    }

    @Test
    void filteredEventsAreCountedAsSkippedAndNeverWritten() throws Exception {
        List<Event> events = RandomEvents.generate(23, 2_000, START, 50);
        Subscription onlyOne = new Subscription(OptionalLong.of(START), Set.of(), Set.of("did:plc:3"));
        MemoryReplaySink sink = new MemoryReplaySink();
        // the source does not filter: the engine must
        ListEventSource unfiltered = new ListEventSource(events, false);
        ReplayConfig cfg = config().subscription(onlyOne).maxBytesInFlight(1 << 20).build();
        Governor g = new Governor(GovernorConfig.ofMode(Mode.FAST), Clock.system());
        ReplayResult r = new Replay(subscriptionIgnoring(unfiltered), sink, g, new Throttle(g, Clock.system()), cfg,
                RetryWindow.none(Clock.system()), Clock.system()).run();
        assertThat(sink.liveRecords().keySet()).allMatch(k -> k.startsWith("did:plc:3 "));
        assertThat(r.stats().received()).isEqualTo(events.size());
        List<Event> wanted = events.stream().filter(e -> e.did().equals("did:plc:3")).toList();
        assertThat(sink.liveRecords()).isEqualTo(MemoryReplaySink.reference(wanted).liveRecords());
    }

    private static dev.sluice.replay.EventSource subscriptionIgnoring(ListEventSource inner) {
        return new dev.sluice.replay.EventSource() {
            @Override
            public dev.sluice.replay.EventStream open(Subscription s) {
                return inner.open(new Subscription(s.cursorUs(), Set.of(), Set.of()));
            }

            @Override
            public String describe() {
                return inner.describe();
            }
        };
    }
}
