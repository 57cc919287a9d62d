package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore.Closed;
import dev.sluice.ingest.BatchStore.Created;
import dev.sluice.ingest.BatchStore.WriteResult;
import dev.sluice.ingest.BatchStore.Written;
import dev.sluice.ingest.ItemRecord;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.testing.FixedClock;
import dev.sluice.store.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two clients racing on one batch: each index is stored once and the batch seals once, whatever the interleaving.
 * The threads start together on a latch; nothing sleeps.
 */
class BatchRaceTest {
    private static final int EXPECTED = 1_000;
    private static final int GROUP = 50;

    @TempDir
    Path dir;

    private final FixedClock clock = new FixedClock(1_700_000_000_000L);

    /** What one writer thread saw: its total accepted count and its one trySeal outcome. */
    record Writer(long accepted, boolean sealed) {
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void twoStreamsWritingTheSameIndexesStoreEachOnceAndSealOnce(Kind kind) throws Exception {
        try (Database db = Database.open(TestDatabases.fresh(kind, dir));
             ExecutorService threads = Executors.newFixedThreadPool(2)) {
            var store = new JdbcBatchStore(db, clock);
            String id = store.create("key_1", EXPECTED, null, null).batch().id();
            CountDownLatch start = new CountDownLatch(1);

            List<Future<Writer>> writers = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                Random random = new Random(name.hashCode());
                writers.add(threads.submit(() -> {
                    List<Long> order = new ArrayList<>();
                    for (long i = 0; i < EXPECTED; i++) {
                        order.add(i);
                    }
                    Collections.shuffle(order, random);
                    start.await();
                    long accepted = 0;
                    for (int from = 0; from < EXPECTED; from += GROUP) {
                        List<ItemRecord> group = order.subList(from, from + GROUP).stream()
                                .map(i -> JdbcBatchStoreTest.item(i, name + i)).toList();
                        WriteResult result = store.write(id, group);
                        if (result instanceof Closed closed) {
                            // The other stream stored the last index and sealed: what is left here is duplicates.
                            assertThat(closed.status()).isEqualTo(Batch.Status.SEALED);
                            assertThat(store.find(id).orElseThrow().sealed()).isTrue();
                            break;
                        }
                        Written written = (Written) result;
                        assertThat(written.accepted() + written.deduplicated()).isEqualTo(GROUP);
                        accepted += written.accepted();
                    }
                    return new Writer(accepted, store.trySeal(id));
                }));
            }
            start.countDown();
            List<Writer> results = new ArrayList<>();
            for (Future<Writer> w : writers) {
                results.add(w.get(30, TimeUnit.SECONDS));
            }

            assertThat(results.stream().mapToLong(Writer::accepted).sum()).isEqualTo(EXPECTED);
            assertThat(results.stream().filter(Writer::sealed)).hasSize(1);
            assertThat(store.find(id).orElseThrow().sealed()).isTrue();
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COUNT(DISTINCT idx), MIN(idx), MAX(idx)"
                         + " FROM sluice_batch_items WHERE batch_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                            .containsExactly((long) EXPECTED, (long) EXPECTED, 0L, EXPECTED - 1L);
                }
            }
            for (ItemRecord r : store.items(id, -1, EXPECTED)) {
                assertThat(r.payload()).isIn("\"a" + r.index() + "\"", "\"b" + r.index() + "\"");
            }
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void concurrentCreatesWithOneIdempotencyKeyMakeOneBatch(Kind kind) throws Exception {
        try (Database db = Database.open(TestDatabases.fresh(kind, dir));
             ExecutorService threads = Executors.newFixedThreadPool(4)) {
            var store = new JdbcBatchStore(db, clock);
            CountDownLatch start = new CountDownLatch(1);
            Callable<Created> create = () -> {
                start.await();
                return store.create("key_1", 10, "same-key", null);
            };
            List<Future<Created>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(threads.submit(create));
            }
            start.countDown();
            List<Created> created = new ArrayList<>();
            for (Future<Created> f : calls) {
                created.add(f.get(30, TimeUnit.SECONDS));
            }

            assertThat(created.stream().map(c -> c.batch().id()).distinct()).hasSize(1);
            assertThat(created.stream().filter(Created::isNew)).hasSize(1);
        }
    }
}
