package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.replay.Event;
import dev.sluice.replay.ReplaySink.Applied;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.testing.FixedClock;
import dev.sluice.store.testing.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sink's COPY-first path (rows of keys it can prove new loaded with no checks) and its checking path (every row
 * upserted newest-rev-wins) leave the same tables, on seeded random histories full of what could tell them apart:
 * creates, updates, deletes, re-creates after a delete, an event sent twice, and revs out of order across batches.
 * Then a second sink on the now full tables (a resumed run: nothing provably new) replays the same history again and
 * changes nothing.
 */
class JdbcReplaySinkCopyFirstTest {
    private static final List<String> COLLECTIONS = List.of("app.bsky.feed.post", "app.bsky.feed.like");

    @TempDir
    Path dir;

    private final FixedClock clock = new FixedClock(1_700_000_000_000L);

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void copyFirstAndUpsertLeaveTheSameTablesOnSeededRandomHistories(Kind kind) throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            List<Event> history = history(random, 1_000);
            List<List<Event>> batches = batches(history, random);
            try (Database copyFirst = Database.open(TestDatabases.fresh(kind, dir));
                 Database upsert = Database.open(TestDatabases.fresh(kind, dir))) {
                long appliedFast = apply(new JdbcReplaySink(copyFirst, clock, true), batches);
                long appliedChecked = apply(new JdbcReplaySink(upsert, clock, false), batches);
                assertThat(appliedFast).as("seed %d: events that changed what is stored", seed)
                        .isEqualTo(appliedChecked);
                assertSameTables(copyFirst, upsert, seed);
                assertThat(ReplayTables.digest(copyFirst)).as("seed %d: the fold of the history", seed)
                        .isEqualTo(ReplayTables.expectedDigest(history));

                // Resumed on full tables: nothing is provably new, everything is checked, nothing changes.
                Collections.shuffle(batches, new java.util.Random(seed));
                assertThat(apply(new JdbcReplaySink(copyFirst, clock, true), batches)).as("seed %d again", seed)
                        .isZero();
                assertSameTables(copyFirst, upsert, seed);
            }
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void aKeyStoredBehindTheSinksBackMakesTheFastLoadFallBackToTheChecks(Kind kind) throws Exception {
        try (Database db = Database.open(TestDatabases.fresh(kind, dir))) {
            JdbcReplaySink sink = new JdbcReplaySink(db, clock, true);
            Event first = post("3k1", "3l0000000001");
            sink.apply("job", 0, List.of(first), first.timeUs()); // the tables were empty: COPY-first from here on
            // Another writer, outside the sink's contract, stores a newer row of a key the sink never wrote.
            JdbcReplaySink other = new JdbcReplaySink(db, clock, false);
            Event newer = post("3k2", "3l0000000009");
            other.apply("other", 0, List.of(newer), newer.timeUs());
            Event older = post("3k2", "3l0000000005");
            Event fresh = post("3k3", "3l0000000005");
            Applied a = sink.apply("job", 0, List.of(older, fresh), fresh.timeUs());
            assertThat(a).as("the load failed on 3k2, rolled back, and both rows were checked").isEqualTo(
                    new Applied(1, 1));
            assertThat(ReplayTables.records(db)).extracting(ReplayTables.StoredRecord::rkey,
                    ReplayTables.StoredRecord::rev).containsExactly(org.assertj.core.groups.Tuple.tuple("3k1",
                    "3l0000000001"), org.assertj.core.groups.Tuple.tuple("3k2", "3l0000000009"),
                    org.assertj.core.groups.Tuple.tuple("3k3", "3l0000000005"));
        }
    }

    private static Event post(String rkey, String rev) {
        return Event.commit("did:plc:a", 1_725_000_000_000_000L + Long.parseLong(rev.substring(2)),
                new Event.Commit(rev, Event.Operation.CREATE, COLLECTIONS.get(0), rkey, "bafy" + rev,
                        "{\"text\":\"" + rev + "\"}"), 100);
    }

    private static long apply(JdbcReplaySink sink, List<List<Event>> batches) {
        long applied = 0;
        int lane = 0;
        for (List<Event> b : batches) {
            Applied a = sink.apply("job", lane, b, b.getLast().timeUs());
            assertThat(a.applied() + a.skipped()).isEqualTo(b.size());
            applied += a.applied();
            lane = 1 - lane; // two lanes, as the engine uses (their batches never share a key at once)
        }
        return applied;
    }

    private static void assertSameTables(Database a, Database b, long seed) {
        assertThat(ReplayTables.records(a)).as("seed %d: records", seed)
                .containsExactlyElementsOf(ReplayTables.records(b));
        assertThat(ReplayTables.tombstones(a)).as("seed %d: tombstones", seed)
                .containsExactlyElementsOf(ReplayTables.tombstones(b));
        assertThat(ReplayTables.identities(a)).as("seed %d: identities", seed)
                .containsExactlyElementsOf(ReplayTables.identities(b));
        assertThat(ReplayTables.accounts(a)).as("seed %d: accounts", seed)
                .containsExactlyElementsOf(ReplayTables.accounts(b));
    }

    /**
     * {@code n} events on few keys, so that keys come back often: a key's life is creates, updates and deletes with
     * increasing revs, and now and then a re-create after its delete; a tenth of the events are sent twice, and
     * identity and account events of the same DIDs come between.
     */
    static List<Event> history(SplittableRandom random, int n) {
        List<Event> out = new ArrayList<>(n);
        long[] revs = new long[3 * COLLECTIONS.size() * 25];
        boolean[] live = new boolean[revs.length];
        long t = 1_725_000_000_000_000L;
        long seq = 1;
        while (out.size() < n) {
            t += 1 + random.nextInt(5);
            String did = "did:plc:" + (char) ('a' + random.nextInt(3));
            int roll = random.nextInt(100);
            if (roll < 4) {
                out.add(Event.identity(did, t, new Event.Identity(did.substring(8) + ".test", seq++,
                        "2024-09-01T00:00:00.000Z"), 100));
                continue;
            }
            if (roll < 6) {
                out.add(Event.account(did, t, new Event.Account(random.nextBoolean(), null, seq++,
                        "2024-09-01T00:00:00.000Z"), 100));
                continue;
            }
            int c = random.nextInt(COLLECTIONS.size());
            int r = random.nextInt(25);
            int k = ((did.charAt(8) - 'a') * COLLECTIONS.size() + c) * 25 + r;
            revs[k] += 1 + random.nextInt(3);
            String rev = String.format("3l%010d", revs[k]);
            String rkey = "3k" + r;
            Event.Operation op = !live[k] ? Event.Operation.CREATE
                    : random.nextInt(3) == 0 ? Event.Operation.DELETE : Event.Operation.UPDATE;
            live[k] = op != Event.Operation.DELETE;
            Event e = Event.commit(did, t, new Event.Commit(rev, op, COLLECTIONS.get(c), rkey,
                    op == Event.Operation.DELETE ? null : "bafy" + rev,
                    op == Event.Operation.DELETE ? null : "{\"text\":\"" + rev + "\",\"n\":" + random.nextInt(9)
                            + "}"), 200);
            out.add(e);
            if (random.nextInt(10) == 0) {
                out.add(e); // sent twice
            }
        }
        return out.subList(0, n);
    }

    /** Batches of 1 to 100 events, a fifth of them swapped with a neighbour: revs arrive out of order across batches. */
    private static List<List<Event>> batches(List<Event> history, SplittableRandom random) {
        List<List<Event>> out = new ArrayList<>();
        for (int from = 0; from < history.size(); ) {
            int size = 1 + random.nextInt(100);
            out.add(new ArrayList<>(history.subList(from, Math.min(history.size(), from + size))));
            from += size;
        }
        for (int i = 0; i + 1 < out.size(); i++) {
            if (random.nextInt(5) == 0) {
                Collections.swap(out, i, i + 1);
            }
        }
        return out;
    }
}
