package dev.sluice.sim.stripe.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Paging stays exact while objects are inserted around it (as with {@code --create-rate}). */
class ObjectIndexRaceTest {

    @Test
    void readersPagingAFrozenRangeSeeEveryObjectOnceWhileWritersInsert() throws Exception {
        SplittableRandom random = new SplittableRandom(1);
        List<Entry> initial = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            initial.add(new Entry(Seeds.id("cus_", 14, random), 1_000 + random.nextLong(1_000)));
        }
        ObjectIndex index = new ObjectIndex(initial);
        List<String> expected = index.page(Long.MIN_VALUE, 2_000, null, null, 100_000).items().stream()
                .map(Snapshot::id).toList();

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> writer = pool.submit(() -> {
                SplittableRandom w = new SplittableRandom(2);
                for (int i = 0; i < 20_000; i++) {
                    // Before and after the frozen range: positions inside the array shift under the readers.
                    long created = w.nextBoolean() ? 2_000 + w.nextLong(1_000) : w.nextLong(1_000);
                    index.insert(new Entry(Seeds.id("cus_", 14, w), created));
                }
            });
            List<Future<List<String>>> readers = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                readers.add(pool.submit(() -> {
                    List<String> seen = new ArrayList<>();
                    Entry after = null;
                    while (true) {
                        Page p = index.page(1_000, 2_000, after, null, 37);
                        p.items().forEach(e -> seen.add(e.id()));
                        if (!p.hasMore()) {
                            return seen;
                        }
                        after = p.items().getLast().entry();
                    }
                }));
            }
            writer.get();
            for (Future<List<String>> reader : readers) {
                assertThat(reader.get()).isEqualTo(expected);
            }
        }
        assertThat(index.size()).isEqualTo(25_000);
    }
}
