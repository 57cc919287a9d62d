package dev.sluice.sync.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.limit.Backoff;
import dev.sluice.limit.RetryWindow;
import dev.sluice.limit.RateLimiter;
import dev.sluice.pull.NestedLists;
import dev.sluice.pull.run.RetryingRequests;
import dev.sluice.sync.Change;
import dev.sluice.sync.ChangeSink.Commit;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.rule.StartRule.Kind;
import dev.sluice.testing.ChangingWorld;
import dev.sluice.testing.FakeClock;
import dev.sluice.testing.MemoryChangeSink;
import dev.sluice.time.TimeRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sync engine against a source that keeps changing, on a fake clock: whatever the interleaving of creations,
 * updates (several of one object in one second), deletions, backfill pages and catch-ups, once the changes stop and
 * the sync catches up the sink holds exactly the live objects and every deleted one is marked, and no event was
 * applied twice.
 */
class SyncTest {
    private static final String NS = "stripe";
    private static final List<String> STREAMS = List.of("customers", "invoices");
    private static final Duration LAG = Duration.ofSeconds(30);

    private final FakeClock clock = new FakeClock(1_800_000_000L);

    /** A sync over one world and one sink, and the fake backfill that lists the world page by page. */
    private final class Rig {
        final ChangingWorld world;
        final MemoryChangeSink sink = new MemoryChangeSink(clock);
        final SyncStats stats = new SyncStats();
        final List<String> notices = new ArrayList<>();
        final SplittableRandom random;
        final SyncConfig config;
        final DeletionMode deletes;
        final RetryingRequests requests;
        final ChangeApplier applier;
        Sync sync;
        double changesPerPage = 2;
        /** The memory sink's injected failures are crashes unless a test makes them a database outage. */
        RetryWindow storeRetry = RetryWindow.none(clock);

        Rig(long seed, DeletionMode deletes, SyncConfig config) {
            this.world = new ChangingWorld(clock, STREAMS, seed, 7, 20_000);
            this.random = new SplittableRandom(seed * 31 + 1);
            this.deletes = deletes;
            this.config = config;
            RetryingRequests requests = new RetryingRequests(new RateLimiter(RateLimiter.Config.ofRate(1000), clock),
                    new Backoff(3, Duration.ofMillis(1), Duration.ofMillis(5)), clock, seed, RetryingRequests.NO_TALLY);
            this.requests = requests;
            this.applier = new ChangeApplier(sink, world, NestedLists.NONE, requests, requests, stats);
            sync = new Sync(config, world, sink, applier, requests, storeRetry, clock, stats, notices::add);
        }

        /** From now on the sink's injected failures are a database outage ridden out for {@code window}. */
        Rig outageRiddenOutFor(Duration window) {
            storeRetry = new RetryWindow(RetryWindow.Config.builder().retryFor(window)
                    .backoffBase(Duration.ofMillis(100)).backoffMax(Duration.ofSeconds(1)).build(),
                    e -> e instanceof IllegalStateException, "the memory sink", clock);
            sync = new Sync(config, world, sink, applier, requests, storeRetry, clock, stats, notices::add);
            return this;
        }

        /** Lists each stream from a snapshot of its ids, a page at a time, with changes between the pages. */
        Sync.Listing backfill(List<String> streams) {
            long startSecond = clock.epochSecond();
            Map<String, TimeRange> ranges = new HashMap<>();
            for (String stream : streams) {
                List<String> ids = world.listNow(stream).stream().map(Change::id).toList();
                for (int from = 0; from < ids.size(); from += 5) {
                    List<Change> page = new ArrayList<>();
                    for (Change c : world.listNow(stream)) {
                        if (ids.subList(from, Math.min(ids.size(), from + 5)).contains(c.id())) {
                            page.add(c);
                        }
                    }
                    sink.apply(new Commit(NS, deletes, page, Map.of(), null));
                    changes((int) Math.round(random.nextDouble() * 2 * changesPerPage));
                }
                ranges.put(stream, new TimeRange(0, startSecond + 1));
            }
            return new Sync.Listing(true, ranges);
        }

        /** {@code n} random changes, 0-400 ms apart: several often fall in one second. */
        void changes(int n) {
            for (int i = 0; i < n; i++) {
                clock.advanceMillis(random.nextInt(400));
                int dice = random.nextInt(10);
                if (dice < 3) {
                    world.create(STREAMS.get(random.nextInt(STREAMS.size())));
                } else if (dice < 8) {
                    world.updateRandom();
                } else if (dice < 9) {
                    world.deleteRandom();
                } else {
                    world.logUnusable("invoice.upcoming");
                }
            }
        }

        SyncResult run() throws Exception {
            return sync.run(new Sync.Target("job", "", NS, STREAMS, deletes), this::backfill, false);
        }

        /** Waits out the lag (and the feed's visibility delay) so every change so far is read, then catches up. */
        SyncResult settle() throws Exception {
            clock.advanceMillis(LAG.toMillis() + 2_000);
            return run();
        }

        void assertMatchesTheWorld() {
            assertMatchesTheWorld(true);
        }

        /** @param everyDeletion whether every deleted object must be marked, or only those the sink ever held */
        void assertMatchesTheWorld(boolean everyDeletion) {
            for (String stream : STREAMS) {
                Map<String, MemoryChangeSink.Row> rows = sink.rows(NS, stream);
                Map<String, String> alive = new HashMap<>();
                rows.forEach((id, row) -> {
                    if (!row.deleted()) {
                        alive.put(id, row.json());
                    }
                });
                assertThat(alive).as("live rows of %s", stream).isEqualTo(world.live(stream));
                for (String id : world.deleted(stream)) {
                    if (!everyDeletion && !rows.containsKey(id) && !sink.removed(NS, stream).contains(id)) {
                        continue;
                    }
                    boolean marked = deletes == DeletionMode.TOMBSTONE
                            ? rows.containsKey(id) && rows.get(id).deleted()
                            : !rows.containsKey(id) && sink.removed(NS, stream).contains(id);
                    assertThat(marked).as("%s/%s is marked deleted", stream, id).isTrue();
                }
            }
            assertThat(sink.timesApplied().values()).allMatch(n -> n == 1);
        }
    }

    static Stream<Arguments> seeds() {
        List<Arguments> args = new ArrayList<>();
        for (int seed = 1; seed <= 30; seed++) {
            args.add(Arguments.of(seed, seed % 3 == 0 ? DeletionMode.REMOVE : DeletionMode.TOMBSTONE));
        }
        return args.stream();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void afterChangesStopTheSinkHoldsExactlyTheLiveObjects(int seed, DeletionMode deletes) throws Exception {
        Rig rig = new Rig(seed, deletes, SyncConfig.ofDefaults());
        for (int i = 0; i < 30; i++) {
            rig.world.create(STREAMS.get(i % 2));
            clock.advanceMillis(rig.random.nextInt(3_000));
        }
        SyncResult first = rig.run();
        assertThat(first.steps()).startsWith(Kind.BACKFILL_FIRST);
        for (int round = 0; round < 6; round++) {
            rig.changes(rig.random.nextInt(40));
            if (rig.random.nextBoolean()) {
                clock.advanceMillis(rig.random.nextInt(45_000));
                rig.run();
            }
        }
        rig.settle();
        rig.assertMatchesTheWorld();
        assertThat(rig.stats.snapshot().skippedTypes()).containsKey("invoice.upcoming");
    }

    @Test
    void twoUpdatesOfOneObjectInOneSecondAreSettledByAReRead() throws Exception {
        Rig rig = new Rig(1, DeletionMode.TOMBSTONE, SyncConfig.ofDefaults());
        rig.changesPerPage = 0;
        String id = rig.world.create("customers");
        rig.run();
        clock.advanceMillis(5_000 - clock.epochMillis() % 1000);
        rig.world.update("customers", id);
        clock.advanceMillis(100);
        rig.world.update("customers", id);
        rig.settle();
        rig.assertMatchesTheWorld();
        assertThat(rig.stats.snapshot().rereads()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aCrashInTheCatchUpResumesToTheSameStateAndAppliesNothingTwice(int seed, DeletionMode deletes)
            throws Exception {
        Rig rig = new Rig(seed, deletes, SyncConfig.builder().maxChangesPerCommit(3).build());
        for (int i = 0; i < 10; i++) {
            rig.world.create(STREAMS.get(i % 2));
        }
        rig.run();
        rig.changes(60);
        clock.advanceMillis(LAG.toMillis() + 2_000);
        rig.sink.failAfter(1 + rig.random.nextInt(8));
        try {
            rig.run();
        } catch (IllegalStateException crash) {
            assertThat(crash).hasMessageContaining("injected crash");
        }
        rig.settle();
        rig.assertMatchesTheWorld();
    }

    /** Synced once, then 60 changes whose events are readable: commits of three changes each are to come. */
    private Rig withEventsToRead(long seed) throws Exception {
        Rig rig = new Rig(seed, DeletionMode.TOMBSTONE, SyncConfig.builder().maxChangesPerCommit(3).build());
        for (int i = 0; i < 10; i++) {
            rig.world.create(STREAMS.get(i % 2));
        }
        rig.run();
        rig.changes(60);
        clock.advanceMillis(LAG.toMillis() + 2_000);
        return rig;
    }

    @Test
    void aDatabaseOutageInTheCatchUpIsRiddenOutAndEachEventAppliedOnce() throws Exception {
        Rig rig = withEventsToRead(11).outageRiddenOutFor(Duration.ofSeconds(30));
        rig.sink.failNext(2, 5); // the second commit from now and the four after it fail, then the database is back
        long before = clock.nanoTime();
        SyncResult result = rig.run();
        assertThat(result.backfillsComplete()).isTrue();
        assertThat(clock.nanoTime() - before).as("the run waited for the database")
                .isGreaterThan(Duration.ofMillis(100).toNanos());
        rig.settle();
        rig.assertMatchesTheWorld();
    }

    @Test
    void anOutageLongerThanTheWindowEndsTheRunAndTheResumeLosesNothing() throws Exception {
        Rig rig = withEventsToRead(12).outageRiddenOutFor(Duration.ofSeconds(5));
        rig.sink.failNext(2, 1_000);
        assertThatThrownBy(rig::run).isInstanceOf(RetryWindow.OutageTooLong.class)
                .hasMessageContaining("--db-retry-for 5s");
        rig.sink.failNext(1, 0);
        rig.settle();
        rig.assertMatchesTheWorld();
    }

    @Test
    void anExpiredCursorBackfillsAgainAndRowsNotListedAgainBecomeDeletions() throws Exception {
        SyncConfig config = SyncConfig.builder().retention(Duration.ofMinutes(10)).build();
        Rig rig = new Rig(5, DeletionMode.TOMBSTONE, config);
        for (int i = 0; i < 12; i++) {
            rig.world.create(STREAMS.get(i % 2));
        }
        rig.run();
        // The events of these changes are never read: the cursor expires first.
        rig.world.deleteRandom();
        rig.world.deleteRandom();
        rig.world.updateRandom();
        clock.advanceMillis(Duration.ofMinutes(10).toMillis());
        SyncResult again = rig.run();
        assertThat(again.steps()).containsExactly(Kind.BACKFILL_EXPIRED, Kind.EVENTS);
        assertThat(rig.notices).anyMatch(n -> n.contains("past the events' retention"));
        assertThat(rig.stats.snapshot().swept()).isEqualTo(2);
        rig.settle();
        // Objects created and deleted within the gap left no trace the sync could see; the rest are marked.
        rig.assertMatchesTheWorld(false);
    }

    @Test
    void anExpiredCursorFailsWhenToldToNamingTheJobAndTheAge() throws Exception {
        SyncConfig config = SyncConfig.builder().retention(Duration.ofMinutes(10))
                .onExpired(SyncConfig.OnExpired.FAIL).build();
        Rig rig = new Rig(6, DeletionMode.TOMBSTONE, config);
        rig.world.create("customers");
        rig.run();
        clock.advanceMillis(Duration.ofMinutes(20).toMillis());
        assertThatThrownBy(rig::run).isInstanceOf(Sync.CursorExpired.class)
                .hasMessageContaining("job 'job'").hasMessageContaining("20 minutes old").hasMessageContaining("--on-expired");
    }

    @Test
    void aDenseWindowIsReadInNarrowerPartsAndStaysRight() throws Exception {
        Rig rig = new Rig(7, DeletionMode.TOMBSTONE, SyncConfig.builder().maxEventsInMemory(100).build());
        rig.run();
        for (int i = 0; i < 1_500; i++) {
            clock.advanceMillis(50);
            if (i % 3 == 0) {
                rig.world.create(STREAMS.get(i % 2));
            } else {
                rig.world.updateRandom();
            }
        }
        rig.settle();
        rig.assertMatchesTheWorld();
        assertThat(rig.stats.snapshot().lagSeconds()).isBetween(LAG.toSeconds(), LAG.toSeconds() + 5);
    }

    @Test
    void aStreamAddedLaterIsBackfilledAloneThenFollowed() throws Exception {
        Rig rig = new Rig(8, DeletionMode.TOMBSTONE, SyncConfig.ofDefaults());
        rig.world.create("customers");
        rig.world.create("invoices");
        rig.sync.run(new Sync.Target("job", "", NS, List.of("customers"), DeletionMode.TOMBSTONE), rig::backfill,
                false);
        rig.changes(20);
        clock.advanceMillis(40_000);
        SyncResult r = rig.run();
        assertThat(r.steps()).containsExactly(Kind.BACKFILL_ADDED, Kind.EVENTS);
        assertThat(rig.sink.backfillsBegun()).containsExactly("job:customers", "job:invoices");
        rig.settle();
        rig.assertMatchesTheWorld();
    }

    @Test
    void pollsKeepTheirIntervalAndStartJustAfterAWholeSecond() {
        assertThat(Sync.nextPoll(10_000_300, 10_000)).isEqualTo(10_011_050);
        assertThat(Sync.nextPoll(10_000_000, 10_000)).isEqualTo(10_010_050);
        assertThat(Sync.nextPoll(10_000_040, 10_000)).isEqualTo(10_010_050);
        assertThat(Sync.nextPoll(10_000_050, 10_000)).isEqualTo(10_010_050);
        assertThat(Sync.nextPoll(10_000_051, 10_000)).isEqualTo(10_011_050);
        assertThat(Sync.nextPoll(10_000_300, 500)).isEqualTo(10_000_800);
    }

    /**
     * Polls are due one interval after the previous one was due, not after it started: a catch-up that starts late
     * (a slow wake-up) or takes a while does not push every later poll a second further (a 10 s interval read as 11).
     */
    @Test
    void followPollsStayOnTheirScheduleWhateverEachCatchUpTakes() throws Exception {
        Rig rig = new Rig(10, DeletionMode.TOMBSTONE, SyncConfig.ofDefaults());
        rig.world.create("customers");
        rig.run();
        rig.world.fetchTakes(70);
        rig.sink.stateReadTakes(30);
        int before = rig.world.firstPartFetches().size();
        Thread t = Thread.ofVirtual().start(() -> {
            while (rig.world.firstPartFetches().size() < before + 8) {
                Thread.onSpinWait();
            }
            rig.sync.stop();
        });
        rig.sync.run(new Sync.Target("job", "", NS, STREAMS, DeletionMode.TOMBSTONE), rig::backfill, true);
        t.join();
        List<Long> polls = rig.world.firstPartFetches().subList(before + 1, before + 8);
        for (int i = 1; i < polls.size(); i++) {
            assertThat(polls.get(i) - polls.get(i - 1)).as("poll %d after the one before", i).isEqualTo(10_000);
            assertThat(polls.get(i) % 1000).as("poll %d's place in its second", i).isEqualTo(80);
        }
    }

    @Test
    void followPollsUntilStopped() throws Exception {
        Rig rig = new Rig(9, DeletionMode.TOMBSTONE, SyncConfig.ofDefaults());
        rig.world.create("customers");
        rig.run();
        int before = rig.world.feedRequests();
        Thread t = Thread.ofVirtual().start(() -> {
            while (rig.world.feedRequests() < before + 10) {
                Thread.onSpinWait();
            }
            rig.sync.stop();
        });
        SyncResult r = rig.sync.run(new Sync.Target("job", "", NS, STREAMS, DeletionMode.TOMBSTONE), rig::backfill,
                true);
        t.join();
        assertThat(r.stopped()).isTrue();
        assertThat(r.steps()).hasSizeGreaterThanOrEqualTo(5).allMatch(k -> k == Kind.EVENTS);
    }
}
