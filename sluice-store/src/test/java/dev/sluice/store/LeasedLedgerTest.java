package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.Page;
import dev.sluice.pull.Remainder;
import dev.sluice.pull.SourceRecord;
import dev.sluice.pull.plan.Segment;
import dev.sluice.pull.run.SegmentLedger;
import dev.sluice.pull.run.SegmentLedger.PageWrite;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.time.Clock;
import dev.sluice.time.TimeRange;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The leased ledger on a real PostgreSQL, two "processes" (two ledgers with their own names) and one hand-driven
 * clock: one run agreed, claims exclusive, a lease taken over only once it ran out, and a commit by the process that
 * lost the lease rolled back whole — no record, no segment state, no checkpoint.
 */
class LeasedLedgerTest {
    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final String NS = "stripe";

    private final AtomicLong millis = new AtomicLong(1_760_000_000_000L);
    private final Clock clock = new Clock() {
        @Override
        public long nanoTime() {
            return millis.get() * 1_000_000L;
        }

        @Override
        public long epochMillis() {
            return millis.get();
        }

        @Override
        public void sleepNanos(long nanos) {
            millis.addAndGet(nanos / 1_000_000L);
        }
    };
    private final AtomicInteger ids = new AtomicInteger();
    private Database db;
    private LeasedLedger a;
    private LeasedLedger b;

    @BeforeEach
    void open() {
        db = Database.open(TestDatabases.postgres(), 4);
        try (JdbcRecordSink sink = new JdbcRecordSink(db, clock)) {
            sink.prepare(NS, "customers");
        }
        a = new LeasedLedger(db, clock, LEASE, "1@a");
        b = new LeasedLedger(db, clock, LEASE, "2@b");
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
        db.close();
    }

    private static Checkpoint fresh(long gte, long lt) {
        return new Checkpoint(new TimeRange(gte, lt), List.of(new Remainder(gte, lt, null)));
    }

    @Test
    void processesStartingTogetherAgreeOnTheFirstRun() {
        Checkpoint first = a.begin("j", NS, "customers", Optional.empty(), fresh(0, 100), ids::incrementAndGet).run();
        Checkpoint second = b.begin("j", NS, "customers", Optional.empty(), fresh(0, 103), ids::incrementAndGet).run();
        assertThat(first).isEqualTo(fresh(0, 100));
        assertThat(second).as("the later process joins the run begun first").isEqualTo(first);
        assertThat(rows("SELECT count(*) FROM sluice_segments")).isEqualTo(1);
    }

    @Test
    void aLeaseIsExclusiveUntilItRunsOutAndTheLoserWritesNothing() {
        a.begin("j", NS, "customers", Optional.empty(), fresh(0, 1000), ids::incrementAndGet);
        b.begin("j", NS, "customers", Optional.empty(), fresh(0, 1000), ids::incrementAndGet);
        List<Segment> mine = a.claim(4, false, Set.of(), ids::incrementAndGet);
        assertThat(mine).hasSize(1);
        assertThat(b.claim(4, false, Set.of(), ids::incrementAndGet)).as("held by a").isEmpty();

        Segment seg = mine.get(0);
        List<SourceRecord> page = records(999, 900);
        seg.accept(new Page(page, true));
        SegmentLedger.Committed ok = a.commit("j", List.of(new PageWrite(seg, page)), s -> null);
        assertThat(ok.lost()).isEmpty();
        assertThat(ok.checkpoints().get("customers").remaining()).containsExactly(new Remainder(0, 901, "cus_900"));

        millis.addAndGet(LEASE.toMillis() - 1);
        assertThat(b.claim(4, true, Set.of(), ids::incrementAndGet)).as("the lease still runs").isEmpty();
        millis.addAndGet(2);
        List<Segment> taken = b.claim(4, true, Set.of(), ids::incrementAndGet);
        assertThat(taken).as("taken over from the committed cursor").hasSize(1);
        assertThat(taken.get(0).remainder()).isEqualTo(new Remainder(0, 901, "cus_900"));

        // a wakes up with the next page of its old lease: nothing of it may land.
        List<SourceRecord> late = records(899, 800);
        seg.accept(new Page(late, true));
        String before = state();
        SegmentLedger.Committed refused = a.commit("j", List.of(new PageWrite(seg, late)), s -> null);
        assertThat(refused.lost()).containsExactly(seg);
        assertThat(state()).as("rows, segments and checkpoint after the fenced commit").isEqualTo(before);
        assertThat(rows("SELECT count(*) FROM stripe.customers")).isEqualTo(100);

        a.heartbeat();
        assertThat(a.lost()).as("a lost lease is reported once, by the commit").isEmpty();
        Segment next = taken.get(0);
        next.accept(new Page(late, false));
        SegmentLedger.Committed done = b.commit("j", List.of(new PageWrite(next, late)), s -> null);
        assertThat(done.lost()).isEmpty();
        assertThat(done.checkpoints().get("customers").done()).isTrue();
        assertThat(b.finished(List.of("customers"))).isPresent();
        assertThat(rows("SELECT count(*) FROM stripe.customers")).isEqualTo(200);
    }

    @Test
    void aHeartbeatKeepsTheLeaseAndASplitIsLeftForAnyProcess() {
        a.begin("j", NS, "customers", Optional.empty(), fresh(0, 1000), ids::incrementAndGet);
        b.begin("j", NS, "customers", Optional.empty(), fresh(0, 1000), ids::incrementAndGet);
        Segment seg = a.claim(1, false, Set.of(), ids::incrementAndGet).get(0);
        for (int i = 0; i < 5; i++) {
            millis.addAndGet(LEASE.toMillis() / 3);
            a.heartbeat();
        }
        assertThat(b.claim(1, true, Set.of(), ids::incrementAndGet)).as("renewed by the heartbeat").isEmpty();
        assertThat(a.lost()).isEmpty();
        Segment child = seg.splitAt(500, ids.incrementAndGet());
        assertThat(a.split(seg, child)).as("left in the ledger").isFalse();
        assertThat(b.claim(1, true, Set.of(), ids::incrementAndGet)).as("a busy process takes only abandoned ones")
                .isEmpty();
        List<Segment> split = b.claim(1, false, Set.of(), ids::incrementAndGet);
        assertThat(split).hasSize(1);
        assertThat(split.get(0).remainder()).isEqualTo(new Remainder(0, 500, null));
    }

    private static List<SourceRecord> records(long top, long bottom) {
        return java.util.stream.LongStream.iterate(top, t -> t >= bottom, t -> t - 1)
                .mapToObj(t -> new SourceRecord("cus_" + t, t, 1, "{\"id\":\"cus_" + t + "\"}")).toList();
    }

    private int rows(String sql) {
        try (Connection c = db.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String state() {
        StringBuilder sb = new StringBuilder();
        try (Connection c = db.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT (SELECT string_agg(id || ':' || version, ',' ORDER BY id) FROM stripe.customers),"
                        + " (SELECT string_agg(gte || '-' || lt || '@' || coalesce(cursor, '') || done, ',' ORDER BY id)"
                        + " FROM sluice_segments), (SELECT string_agg(remaining, ',') FROM sluice_checkpoints)")) {
            rs.next();
            sb.append(rs.getString(1)).append('|').append(rs.getString(2)).append('|').append(rs.getString(3));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return sb.toString();
    }
}
