package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.replay.Event;
import dev.sluice.store.testing.FixedClock;
import dev.sluice.store.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A quick throughput figure, not a test: {@link JdbcReplaySink#apply} against {@link JdbcReplaySink#copyLimit} for
 * the same firehose-like rows (creates of ~480-byte events, distinct keys) on PostgreSQL. Off by default; run with
 * <pre>
 * SLUICE_TEST_PG_URL=postgresql://postgres@127.0.0.1:5432/test ./mvnw -q -B -o -pl sluice-store -am verify \
 *   -Dtest=ReplaySinkSpeedCheck -Dsurefire.failIfNoSpecifiedTests=false -Dsluice.speed=true
 * </pre>
 * and read {@code sluice-store/target/surefire-reports/dev.sluice.store.ReplaySinkSpeedCheck-output.txt}.
 * The real measurement is {@code sluice bench replay}.
 */
@EnabledIfSystemProperty(named = "sluice.speed", matches = "true")
class ReplaySinkSpeedCheck {
    private static final int EVENTS = Integer.getInteger("sluice.speed.events", 200_000);
    private static final int BATCH = Integer.getInteger("sluice.speed.batch", 1_000);

    @Test
    void applyAgainstCopy() throws Exception {
        List<Event> events = events(EVENTS, 1);
        List<Event> warmup = events(20_000, 2);
        FixedClock clock = new FixedClock(1_700_000_000_000L);
        try (Database db = Database.open(TestDatabases.postgres())) {
            apply(new JdbcReplaySink(db, clock), warmup, 1);
            new JdbcReplaySink(db, clock).copyLimit(events(20_000, 3));
        }
        for (int lanes : new int[] {1, 4}) {
            for (boolean copyFirst : new boolean[] {false, true}) {
                try (Database db = Database.open(TestDatabases.postgres())) {
                    var sink = new JdbcReplaySink(db, clock, copyFirst);
                    sink.checkpoint("job");
                    long start = System.nanoTime();
                    long applied = apply(sink, events, lanes);
                    double s = (System.nanoTime() - start) / 1e9;
                    assertThat(applied).isEqualTo(EVENTS);
                    report((copyFirst ? "COPY-first" : "upsert") + ", " + lanes + " lane(s), batches of " + BATCH,
                            EVENTS, s);
                }
            }
        }
        try (Database db = Database.open(TestDatabases.postgres())) {
            // Onto full tables: where a hash join over the table instead of key probes would show.
            var sink = new JdbcReplaySink(db, clock);
            apply(sink, events, 1);
            List<Event> mixed = mixed(events, EVENTS, 4);
            long start = System.nanoTime();
            apply(sink, mixed, 1);
            report("apply mixed onto " + EVENTS + " rows, 1 lane", mixed.size(), (System.nanoTime() - start) / 1e9);
        }
        try (Database db = Database.open(TestDatabases.postgres())) {
            var sink = new JdbcReplaySink(db, clock);
            sink.copyLimit(List.of());
            long start = System.nanoTime();
            long rows = sink.copyLimit(events);
            double s = (System.nanoTime() - start) / 1e9;
            assertThat(rows).isEqualTo(EVENTS);
            report("COPY limit, one COPY", EVENTS, s);
        }
    }

    private static long apply(JdbcReplaySink sink, List<Event> events, int lanes) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(lanes);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int lane = 0; lane < lanes; lane++) {
                int myLane = lane;
                results.add(pool.submit(() -> {
                    long applied = 0;
                    for (int from = myLane * BATCH; from < events.size(); from += lanes * BATCH) {
                        List<Event> batch = events.subList(from, Math.min(events.size(), from + BATCH));
                        applied += sink.apply("job", myLane, batch, batch.getLast().timeUs()).applied();
                    }
                    return applied;
                }));
            }
            long applied = 0;
            for (Future<Long> f : results) {
                applied += f.get();
            }
            return applied;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void report(String what, int events, double seconds) {
        System.out.printf(Locale.ROOT, "%-40s %,9d events in %6.2f s = %,8.0f events/s%n", what, events, seconds,
                events / seconds);
    }

    /** Half new creates, a quarter updates and a quarter deletes of the keys of {@code stored}, each key once. */
    static List<Event> mixed(List<Event> stored, int n, long seed) {
        Random random = new Random(seed);
        List<Event> creates = events(n / 2, seed);
        List<Event> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                out.add(creates.get(i / 2));
                continue;
            }
            Event old = stored.get(i);
            Event.Commit c = old.commit();
            boolean delete = random.nextBoolean();
            out.add(Event.commit(old.did(), old.timeUs() + 1_000_000_000L, new Event.Commit("3n" + c.rev().substring(2),
                    delete ? Event.Operation.DELETE : Event.Operation.UPDATE, c.collection(), c.rkey(),
                    delete ? null : c.cid() + "u", delete ? null : c.recordJson()), old.sizeBytes()));
        }
        return out;
    }

    /** Creates with distinct keys, each ~480 bytes as Jetstream JSON, like the firehose's average event. */
    static List<Event> events(int n, long seed) {
        Random random = new Random(seed);
        List<Event> out = new ArrayList<>(n);
        long t = 1_760_000_000_000_000L;
        for (int i = 0; i < n; i++) {
            String did = "did:plc:" + Long.toString(seed * 1_000_003L + random.nextInt(50_000), 36) + "abcdefghijklm";
            String rkey = "3l" + Long.toString(t + i, 32);
            String rev = "3m" + Long.toString(t + i, 32);
            String text = "post " + i + " " + "lorem ipsum dolor sit amet ".repeat(4 + random.nextInt(3));
            String record = "{\"$type\":\"app.bsky.feed.post\",\"createdAt\":\"2026-11-23T18:40:43.000Z\","
                    + "\"langs\":[\"en\"],\"text\":\"" + text + "\"}";
            out.add(Event.commit(did, t + i, new Event.Commit(rev, Event.Operation.CREATE, "app.bsky.feed.post",
                    rkey, "bafyreib" + Long.toString(random.nextLong() & Long.MAX_VALUE, 32) + "qwertyuiopasdfghjkl",
                    record), 480));
        }
        return out;
    }
}
