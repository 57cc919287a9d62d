package dev.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore.Closed;
import dev.sluice.ingest.BatchStore.Counts;
import dev.sluice.ingest.BatchStore.Written;
import dev.sluice.ingest.IndexRanges.Range;
import dev.sluice.ingest.ItemRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine tests' in-memory fake keeps the duties {@code JdbcBatchStoreTest} checks of the real store. */
class MemoryBatchStoreTest {
    private final FakeClock clock = new FakeClock();
    private final MemoryBatchStore store = new MemoryBatchStore(clock);

    private static ItemRecord item(long index) {
        return ItemRecord.inline(index, "\"v" + index + "\"", 4);
    }

    @Test
    void aWriteStoresEachIndexOnceAndOnlyWhileTheBatchIsOpen() {
        String id = store.create("key_1", 4, null, null).batch().id();
        assertThat(store.write(id, List.of(item(3), item(1), item(3)))).isEqualTo(new Written(2, 1));
        assertThat(store.write(id, List.of(item(1), item(0)))).isEqualTo(new Written(1, 1));
        assertThat(store.missing(id, 10)).containsExactly(new Range(2, 3));
        assertThatThrownBy(() -> store.write(id, List.of(item(2), item(4))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index 4");
        assertThat(store.counts(id)).isEqualTo(new Counts(3, 0));

        assertThat(store.trySeal(id)).isFalse();
        store.write(id, List.of(ItemRecord.failed(2, "PAYLOAD_TOO_LARGE", "too large")));
        assertThat(store.trySeal(id)).isTrue();
        assertThat(store.trySeal(id)).isFalse();
        assertThat(store.seals()).isEqualTo(1);
        assertThat(store.write(id, List.of(item(0)))).isEqualTo(new Closed(Batch.Status.SEALED));
        assertThat(store.counts(id)).isEqualTo(new Counts(3, 1));
    }

    @Test
    void expiryDropsAnOpenBatchsItemsAndLaterWritesAreClosed() {
        String open = store.create("key_1", 2, null, null).batch().id();
        store.write(open, List.of(ItemRecord.offloaded(0, "batches/x/0", 10)));
        String again = store.create("key_1", 2, "k", null).batch().id();
        assertThat(store.create("key_1", 9, "k", null)).extracting(c -> c.batch().id(), c -> c.isNew())
                .containsExactly(again, false);
        clock.advanceMillis(1);

        var expired = store.expire(Instant.ofEpochMilli(clock.epochMillis()));

        assertThat(expired.batchIds()).containsExactly(open, again);
        assertThat(expired.objectKeys()).containsExactly("batches/x/0");
        assertThat(store.counts(open)).isEqualTo(new Counts(0, 0));
        assertThat(store.write(open, List.of(item(1)))).isEqualTo(new Closed(Batch.Status.EXPIRED));
    }
}
