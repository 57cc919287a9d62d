package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.replay.Event;
import dev.sluice.replay.ReplaySink.Applied;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.ReplayTables.StoredAccount;
import dev.sluice.store.ReplayTables.StoredIdentity;
import dev.sluice.store.ReplayTables.StoredRecord;
import dev.sluice.store.ReplayTables.Tombstone;
import dev.sluice.store.testing.FixedClock;
import dev.sluice.store.testing.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random events over few keys, shuffled, applied in random batches by four threads that never run two
 * batches sharing a record key at once (the replay engine's promise): the tables must equal a reference fold —
 * the greatest rev per key, the greatest seq per DID — and applying everything again must change nothing.
 *
 * <p>Like the firehose, an event re-read is the same event: every (key, rev) and (DID, seq) has one fixed body, so
 * the fold does not depend on which duplicate arrives first. On SQLite the single pooled connection serialises the
 * threads; on PostgreSQL they commit concurrently, identity and account rows of the same DIDs included.
 */
class JdbcReplaySinkConcurrencyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 20_000;
    private static final int THREADS = 4;
    private static final String[] COLLECTIONS = {"app.bsky.feed.post", "app.bsky.feed.like"};

    @TempDir
    Path dir;

    private record Key(String did, String collection, String rkey) {
        static Key of(Event e) {
            return new Key(e.did(), e.commit().collection(), e.commit().rkey());
        }
    }

    private record Batch(int number, List<Event> events, Set<Key> keys) {
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void shuffledConcurrentBatchesEqualTheReferenceFold(Kind kind) throws Exception {
        Random random = new Random(20_261_123L);
        List<Event> events = randomEvents(random);
        List<Batch> batches = batches(events, random, 50);

        try (Database db = Database.open(TestDatabases.fresh(kind, dir))) {
            var sink = new JdbcReplaySink(db, new FixedClock(1_700_000_000_000L));
            Applied total = applyConcurrently(sink, batches);
            assertThat(total.applied() + total.skipped()).isEqualTo(EVENTS);
            assertThat(sink.checkpoint("job")).isEqualTo(OptionalLong.of(batches.size()));
            assertMatchesFold(db, events);

            // Everything again, reshuffled into other batches, on one lane: nothing changes.
            var before = JdbcReplaySinkTest.state(db);
            List<Event> again = new ArrayList<>(events);
            Collections.shuffle(again, random);
            Applied second = Applied.NONE;
            for (Batch b : batches(again, random, 1_000)) {
                second = second.plus(sink.apply("job", 0, b.events(), 0));
            }
            assertThat(second).isEqualTo(new Applied(0, EVENTS));
            assertThat(JdbcReplaySinkTest.state(db)).isEqualTo(before);
        }
    }

    /** Commits over 60 DIDs × 2 collections × 3 rkeys, 12 versions each; identity and account events of 8 DIDs. */
    private static List<Event> randomEvents(Random random) {
        Map<String, Event> versions = new HashMap<>();
        List<Event> events = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            int pick = random.nextInt(100);
            if (pick < 90) {
                String did = "did:plc:u" + random.nextInt(60);
                String collection = COLLECTIONS[random.nextInt(COLLECTIONS.length)];
                String rkey = "3r" + random.nextInt(3);
                int version = random.nextInt(12);
                String id = did + "/" + collection + "/" + rkey + "@" + version;
                events.add(versions.computeIfAbsent(id, k -> commitVersion(random, did, collection, rkey, version)));
            } else {
                String did = "did:plc:u" + random.nextInt(8);
                int seq = random.nextInt(30);
                boolean identity = pick < 95;
                String id = did + (identity ? "#identity" : "#account") + seq;
                long timeUs = 1_000_000L + random.nextInt(1_000_000);
                events.add(versions.computeIfAbsent(id, k -> identity
                        ? Event.identity(did, timeUs, new Event.Identity("h" + seq + ".test", seq, "t" + seq), 0)
                        : Event.account(did, timeUs, new Event.Account(seq % 3 != 0, seq % 3 == 0 ? "takendown"
                                : null, seq, "t" + seq), 0)));
            }
        }
        return events;
    }

    /** Version 0 is a create; later versions are updates or, one in four, deletes. Revs rise with the version. */
    private static Event commitVersion(Random random, String did, String collection, String rkey, int version) {
        String rev = String.format("3k%04d%07d", version, random.nextInt(10_000_000));
        Event.Operation op = version == 0 ? Event.Operation.CREATE
                : random.nextInt(4) == 0 ? Event.Operation.DELETE : Event.Operation.UPDATE;
        boolean delete = op == Event.Operation.DELETE;
        long timeUs = 1_000_000L + version * 100_000L + random.nextInt(100_000);
        return Event.commit(did, timeUs, new Event.Commit(rev, op, collection, rkey,
                delete ? null : "cid-" + rev, delete ? null : "{\"text\":\"" + rkey + " at " + rev + "\",\"n\":"
                        + version + "}"), 0);
    }

    private static List<Batch> batches(List<Event> events, Random random, int maxSize) {
        List<Batch> batches = new ArrayList<>();
        for (int from = 0; from < events.size(); ) {
            int to = Math.min(events.size(), from + 1 + random.nextInt(maxSize));
            List<Event> part = List.copyOf(events.subList(from, to));
            Set<Key> keys = new HashSet<>();
            for (Event e : part) {
                if (e.kind() == Event.Kind.COMMIT) {
                    keys.add(Key.of(e));
                }
            }
            batches.add(new Batch(batches.size() + 1, part, keys));
            from = to;
        }
        return batches;
    }

    /**
     * Four appliers, each its own lane, taking any pending batch that shares no record key with one in flight (the
     * engine's rule), waiting on the monitor when none is free. Returns the summed results.
     */
    private static Applied applyConcurrently(JdbcReplaySink sink, List<Batch> batches) throws Exception {
        LinkedList<Batch> pending = new LinkedList<>(batches);
        Set<Key> inFlight = new HashSet<>();
        AtomicInteger applied = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostRunning = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> lanes = new ArrayList<>();
            for (int lane = 0; lane < THREADS; lane++) {
                int myLane = lane;
                lanes.add(pool.submit(() -> {
                    while (true) {
                        Batch batch;
                        synchronized (pending) {
                            batch = null;
                            while (batch == null && !pending.isEmpty()) {
                                for (Iterator<Batch> it = pending.iterator(); it.hasNext(); ) {
                                    Batch b = it.next();
                                    if (Collections.disjoint(b.keys(), inFlight)) {
                                        it.remove();
                                        inFlight.addAll(b.keys());
                                        batch = b;
                                        break;
                                    }
                                }
                                if (batch == null) {
                                    pending.wait();
                                }
                            }
                            if (batch == null) {
                                return null;
                            }
                        }
                        mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                        try {
                            Applied a = sink.apply("job", myLane, batch.events(), batch.number());
                            applied.addAndGet(a.applied());
                            skipped.addAndGet(a.skipped());
                        } finally {
                            running.decrementAndGet();
                            synchronized (pending) {
                                inFlight.removeAll(batch.keys());
                                pending.notifyAll();
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : lanes) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(mostRunning.get()).as("batches applied at once").isGreaterThan(1);
        return new Applied(applied.get(), skipped.get());
    }

    /** Tables against the fold: winners' rows, and tombstones that agree with them. */
    private static void assertMatchesFold(Database db, List<Event> events) throws Exception {
        Map<Key, Event> newest = new HashMap<>();
        Map<String, Event> identities = new TreeMap<>();
        Map<String, Event> accounts = new TreeMap<>();
        for (Event e : events) {
            switch (e.kind()) {
                case COMMIT -> newest.merge(Key.of(e), e, (a, b) -> b.commit().rev().compareTo(a.commit().rev()) > 0 ? b : a);
                case IDENTITY -> identities.merge(e.did(), e, (a, b) -> b.identity().seq() > a.identity().seq() ? b : a);
                case ACCOUNT -> accounts.merge(e.did(), e, (a, b) -> b.account().seq() > a.account().seq() ? b : a);
            }
        }
        // Every rev here is ASCII, so String order is byte order.
        Map<Key, Event> live = new HashMap<>();
        newest.forEach((k, e) -> {
            if (e.commit().operation() != Event.Operation.DELETE) {
                live.put(k, e);
            }
        });
        List<StoredRecord> stored = ReplayTables.records(db);
        assertThat(stored).hasSize(live.size());
        for (StoredRecord r : stored) {
            Event e = live.get(new Key(r.did(), r.collection(), r.rkey()));
            assertThat(e).as("row %s/%s/%s", r.did(), r.collection(), r.rkey()).isNotNull();
            assertThat(r.rev()).isEqualTo(e.commit().rev());
            assertThat(r.cid()).isEqualTo(e.commit().cid());
            assertThat(r.timeUs()).isEqualTo(e.timeUs());
            JsonNode body = JSON.readTree(r.recordJson());
            assertThat(body).isEqualTo(JSON.readTree(e.commit().recordJson()));
        }
        assertThat(live.size()).isLessThan(newest.size()); // the run did end some keys with a delete

        Map<Key, String> tombstones = new HashMap<>();
        for (Tombstone t : ReplayTables.tombstones(db)) {
            tombstones.put(new Key(t.did(), t.collection(), t.rkey()), t.rev());
        }
        newest.forEach((k, e) -> {
            String tomb = tombstones.get(k);
            if (e.commit().operation() == Event.Operation.DELETE) {
                assertThat(tomb).as("tombstone of %s", k).isEqualTo(e.commit().rev());
            } else if (tomb != null) {
                assertThat(tomb).as("tombstone of live %s", k).isLessThan(e.commit().rev());
            }
        });

        assertThat(ReplayTables.identities(db)).containsExactlyElementsOf(identities.values().stream()
                .map(e -> new StoredIdentity(e.did(), e.identity().handle(), e.identity().seq(), e.identity().time(),
                        e.timeUs())).toList());
        assertThat(ReplayTables.accounts(db)).containsExactlyElementsOf(accounts.values().stream()
                .map(e -> new StoredAccount(e.did(), e.account().active(), e.account().status(), e.account().seq(),
                        e.account().time(), e.timeUs())).toList());
    }
}
