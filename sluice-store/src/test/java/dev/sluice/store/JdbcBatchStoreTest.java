package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore;
import dev.sluice.ingest.BatchStore.Closed;
import dev.sluice.ingest.BatchStore.Counts;
import dev.sluice.ingest.BatchStore.Created;
import dev.sluice.ingest.BatchStore.Written;
import dev.sluice.ingest.IndexRanges.Range;
import dev.sluice.ingest.ItemRecord;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.testing.FixedClock;
import dev.sluice.store.internal.SqliteItemInsert;
import dev.sluice.store.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The batch store against real SQLite and real PostgreSQL; each invocation gets a fresh database. */
class JdbcBatchStoreTest {
    private static final long NOW = 1_700_000_000_123L;

    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FixedClock clock = new FixedClock(NOW);

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void createMakesAnOpenBatchThatFindReturns(Kind kind) {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            Created created = store.create("key_1", 10, null, null);

            assertThat(created.isNew()).isTrue();
            Batch batch = created.batch();
            assertThat(batch.id()).matches("batch_[0-9A-Za-z]{24}");
            assertThat(batch.owner()).isEqualTo("key_1");
            assertThat(batch.expectedCount()).isEqualTo(10);
            assertThat(batch.idempotencyKey()).isNull();
            assertThat(batch.metadata()).isNull();
            assertThat(batch.status()).isEqualTo(Batch.Status.OPEN);
            assertThat(batch.createdAt()).isEqualTo(Instant.ofEpochMilli(NOW));
            assertThat(batch.sealedAt()).isNull();
            assertThat(store.find(batch.id())).contains(batch);
            assertThat(store.find("batch_unknown")).isEmpty();
            assertThat(store.create("key_1", 10, null, null).batch().id()).isNotEqualTo(batch.id());
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void createWithTheSameOwnerAndKeyReturnsTheExistingBatch(Kind kind) {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            Created first = store.create("key_1", 10, "idem-1", null);
            clock.setEpochMillis(NOW + 1_000);
            Created again = store.create("key_1", 99, "idem-1", "{\"other\":true}");
            Created otherOwner = store.create("key_2", 10, "idem-1", null);
            Created otherKey = store.create("key_1", 10, "idem-2", null);

            assertThat(first.isNew()).isTrue();
            assertThat(again.isNew()).isFalse();
            assertThat(again.batch()).isEqualTo(first.batch());
            assertThat(otherOwner.isNew()).isTrue();
            assertThat(otherOwner.batch().id()).isNotEqualTo(first.batch().id());
            assertThat(otherKey.isNew()).isTrue();
            assertThat(otherKey.batch().id()).isNotIn(first.batch().id(), otherOwner.batch().id());
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void metadataRoundTripsAsTheSameJson(Kind kind) throws Exception {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            String metadata = "{\"tenant\":\"acme\",\"tags\":[\"a\",\"b\"],\"n\":1}";
            Batch batch = store.create("key_1", 1, "k", metadata).batch();

            // jsonb on PostgreSQL normalises the text (key order, spacing); the JSON value is what is kept.
            String stored = store.find(batch.id()).orElseThrow().metadata();
            assertThat(JSON.readTree(stored)).isEqualTo(JSON.readTree(metadata));
            assertThat(batch.metadata()).isEqualTo(stored);
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void writeCountsNewItemsAndDuplicatesWithinAndAcrossCalls(Kind kind) {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            String id = store.create("key_1", 10, null, null).batch().id();

            assertThat(store.write(id, List.of(item(3, "a"), item(1, "b"), item(3, "c"))))
                    .isEqualTo(new Written(2, 1));
            assertThat(store.write(id, List.of(item(1, "x"), item(2, "y"), item(2, "z"), item(0, "w"))))
                    .isEqualTo(new Written(2, 2));
            assertThat(store.write(id, List.of())).isEqualTo(new Written(0, 0));

            assertThat(store.items(id, -1, 100)).containsExactly(item(0, "w"), item(1, "b"), item(2, "y"),
                    item(3, "a"));
            assertThat(store.counts(id)).isEqualTo(new Counts(4, 0));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void writeSpanningSeveralChunksStoresEveryItemInOneCall(Kind kind) {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            int n = SqliteItemInsert.CHUNK * 2 + 7;
            String id = store.create("key_1", n, null, null).batch().id();
            List<ItemRecord> items = new ArrayList<>();
            for (int i = n - 1; i >= 0; i--) {
                items.add(item(i, "{\"i\":" + i + "}"));
            }

            assertThat(store.write(id, items)).isEqualTo(new Written(n, 0));
            assertThat(store.write(id, items)).isEqualTo(new Written(0, n));
            assertThat(store.counts(id)).isEqualTo(new Counts(n, 0));
            assertThat(store.missing(id, 10)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void payloadTextComesBackByteForByte(Kind kind) {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            String id = store.create("key_1", 2, null, null).batch().id();
            String payload = "{ \"z\":1.50e3,\n\t\"a\" : [1, 2.0, -0],\"\u00e9\\u00e9\":\"\ud83d\ude00\", \"a\":null }";
            // what COPY's text format escapes or reads specially: backslash, \N, tab, CR, newline
            String scalar = "  \"just a string \\N \\\\N \\t\r\n\"  ";
            store.write(id, List.of(inline(0, payload), inline(1, scalar)));

            List<ItemRecord> items = store.items(id, -1, 10);
            assertThat(items.get(0).payload()).isEqualTo(payload);
            assertThat(items.get(0).payloadBytes()).isEqualTo(payload.getBytes(StandardCharsets.UTF_8).length);
            assertThat(items.get(1).payload()).isEqualTo(scalar);
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void offloadedAndFailedItemsRoundTrip(Kind kind) {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            String id = store.create("key_1", 3, null, null).batch().id();
            ItemRecord offloaded = ItemRecord.offloaded(0, "batches/b/0.json", 3_000_000);
            ItemRecord failed = ItemRecord.failed(1, "PAYLOAD_TOO_LARGE", "line 2:\titem is 4000000 bytes,\r\nover \\N");
            ItemRecord inline = inline(2, "{}");
            store.write(id, List.of(offloaded, failed, inline));

            assertThat(store.items(id, -1, 10)).containsExactly(offloaded, failed, inline);
            assertThat(store.items(id, -1, 10).get(1).failed()).isTrue();
            assertThat(store.counts(id)).isEqualTo(new Counts(2, 1));
            assertThat(store.counts(id).total()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void trySealSucceedsOnceAndOnlyWhenEveryIndexIsStored(Kind kind) {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            String id = store.create("key_1", 3, null, null).batch().id();

            assertThat(store.trySeal(id)).isFalse();
            store.write(id, List.of(item(0, "a"), ItemRecord.failed(2, "PAYLOAD_TOO_LARGE", "too large")));
            assertThat(store.trySeal(id)).isFalse();
            assertThat(store.find(id).orElseThrow().status()).isEqualTo(Batch.Status.OPEN);

            clock.setEpochMillis(NOW + 5_000);
            store.write(id, List.of(item(1, "b")));
            assertThat(store.trySeal(id)).isTrue();
            assertThat(store.trySeal(id)).isFalse();

            Batch sealed = store.find(id).orElseThrow();
            assertThat(sealed.sealed()).isTrue();
            assertThat(sealed.sealedAt()).isEqualTo(Instant.ofEpochMilli(NOW + 5_000));
            assertThat(store.missing(id, 10)).isEmpty();
            assertThat(store.trySeal("batch_unknown")).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void writeToASealedOrExpiredBatchStoresNothing(Kind kind) {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            String sealed = store.create("key_1", 1, null, null).batch().id();
            store.write(sealed, List.of(item(0, "first")));
            assertThat(store.trySeal(sealed)).isTrue();

            assertThat(store.write(sealed, List.of(item(0, "second")))).isEqualTo(new Closed(Batch.Status.SEALED));
            assertThat(store.items(sealed, -1, 10)).containsExactly(item(0, "first"));

            String expired = store.create("key_1", 5, null, null).batch().id();
            store.expire(Instant.ofEpochMilli(NOW + 1));
            assertThat(store.write(expired, List.of(item(0, "late"), item(1, "late"))))
                    .isEqualTo(new Closed(Batch.Status.EXPIRED));
            assertThat(store.counts(expired)).isEqualTo(new Counts(0, 0));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void writeWithAnIndexOutOfRangeOrToAnUnknownBatchStoresNothing(Kind kind) {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            String id = store.create("key_1", 3, null, null).batch().id();

            assertThatThrownBy(() -> store.write(id, List.of(item(0, "a"), item(3, "b"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("index 3").hasMessageContaining(id).hasMessageContaining("0 to 2");
            assertThat(store.counts(id)).isEqualTo(new Counts(0, 0));

            assertThatThrownBy(() -> store.write("batch_unknown", List.of(item(0, "a"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch_unknown");
            assertThatThrownBy(() -> store.missing("batch_unknown", 10))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch_unknown");
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void missingListsTheGapsInOrderIncludingTheTailUpToTheLimit(Kind kind) {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            String id = store.create("key_1", 20, null, null).batch().id();
            assertThat(store.missing(id, 10)).containsExactly(new Range(0, 20));

            store.write(id, LongStream.of(0, 1, 2, 5, 7, 8, 9, 12).mapToObj(i -> item(i, "x")).toList());
            assertThat(store.missing(id, 10))
                    .containsExactly(new Range(3, 5), new Range(6, 7), new Range(10, 12), new Range(13, 20));
            assertThat(store.missing(id, 2)).containsExactly(new Range(3, 5), new Range(6, 7));
            assertThat(store.missing(id, 3)).containsExactly(new Range(3, 5), new Range(6, 7), new Range(10, 12));

            store.write(id, LongStream.range(13, 20).mapToObj(i -> item(i, "x")).toList());
            assertThat(store.missing(id, 10)).containsExactly(new Range(3, 5), new Range(6, 7), new Range(10, 12));

            String leading = store.create("key_1", 4, null, null).batch().id();
            store.write(leading, List.of(item(3, "x")));
            assertThat(store.missing(leading, 10)).containsExactly(new Range(0, 3));

            assertThatThrownBy(() -> store.missing(id, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("limit must be >= 1");
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void itemsPageInIndexOrder(Kind kind) {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            String id = store.create("key_1", 10, null, null).batch().id();
            String other = store.create("key_1", 10, null, null).batch().id();
            store.write(id, LongStream.of(9, 0, 4, 2, 7).mapToObj(i -> item(i, "v" + i)).toList());
            store.write(other, List.of(item(1, "other")));

            List<Long> seen = new ArrayList<>();
            long after = -1;
            for (List<ItemRecord> page = store.items(id, after, 2); !page.isEmpty(); page = store.items(id, after, 2)) {
                assertThat(page).hasSizeLessThanOrEqualTo(2);
                page.forEach(r -> seen.add(r.index()));
                after = page.getLast().index();
            }
            assertThat(seen).containsExactly(0L, 2L, 4L, 7L, 9L);
            assertThat(store.items(id, 4, 100)).containsExactly(item(7, "v7"), item(9, "v9"));
            assertThat(store.items("batch_unknown", -1, 10)).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void expireRemovesOldOpenBatchesItemsAndReturnsTheirObjectKeys(Kind kind) {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            String old = store.create("key_1", 5, null, null).batch().id();
            store.write(old, List.of(ItemRecord.offloaded(0, "objects/old/0", 10), item(1, "x"),
                    ItemRecord.offloaded(3, "objects/old/3", 10), ItemRecord.failed(4, "PAYLOAD_TOO_LARGE", "big")));
            String sealed = store.create("key_1", 1, null, null).batch().id();
            store.write(sealed, List.of(ItemRecord.offloaded(0, "objects/sealed/0", 10)));
            assertThat(store.trySeal(sealed)).isTrue();
            clock.setEpochMillis(NOW + 60_000);
            String young = store.create("key_1", 2, null, null).batch().id();
            store.write(young, List.of(ItemRecord.offloaded(0, "objects/young/0", 10)));

            BatchStore.Expired expired = store.expire(Instant.ofEpochMilli(NOW + 60_000));
            assertThat(expired.batchIds()).containsExactly(old);
            assertThat(expired.objectKeys()).containsExactly("objects/old/0", "objects/old/3");

            assertThat(store.find(old).orElseThrow().status()).isEqualTo(Batch.Status.EXPIRED);
            assertThat(store.counts(old)).isEqualTo(new Counts(0, 0));
            assertThat(store.trySeal(old)).isFalse();
            assertThat(store.find(sealed).orElseThrow().status()).isEqualTo(Batch.Status.SEALED);
            assertThat(store.items(sealed, -1, 10)).hasSize(1);
            assertThat(store.find(young).orElseThrow().status()).isEqualTo(Batch.Status.OPEN);
            assertThat(store.counts(young)).isEqualTo(new Counts(1, 0));
            assertThat(store.expire(Instant.ofEpochMilli(NOW + 60_000)))
                    .isEqualTo(new BatchStore.Expired(List.of(), List.of()));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void expireWorksThroughMoreBatchesThanOnePage(Kind kind) {
        try (Database db = open(kind)) {
            var store = new JdbcBatchStore(db, clock);
            int n = JdbcBatchStore.EXPIRE_PAGE + 3;
            for (int i = 0; i < n; i++) {
                String id = store.create("key_1", 1, null, null).batch().id();
                store.write(id, List.of(ItemRecord.offloaded(0, "o/" + i, 1)));
            }

            BatchStore.Expired expired = store.expire(Instant.ofEpochMilli(NOW + 1));
            assertThat(expired.batchIds()).hasSize(n).doesNotHaveDuplicates();
            assertThat(expired.objectKeys()).hasSize(n);
        }
    }

    static ItemRecord item(long index, String text) {
        return inline(index, "\"" + text + "\"");
    }

    static ItemRecord inline(long index, String json) {
        return ItemRecord.inline(index, json, json.getBytes(StandardCharsets.UTF_8).length);
    }

    private Database open(Kind kind) {
        return Database.open(TestDatabases.fresh(kind, dir));
    }
}
