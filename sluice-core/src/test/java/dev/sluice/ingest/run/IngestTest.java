package dev.sluice.ingest.run;

import static dev.sluice.ingest.run.Streams.bigLine;
import static dev.sluice.ingest.run.Streams.body;
import static dev.sluice.ingest.run.Streams.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.ItemForm;
import dev.sluice.ingest.ItemRecord;
import dev.sluice.ingest.run.IngestException.Code;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine over in-memory stores: what a stream stores, how it groups commits, and what it refuses. */
class IngestTest {
    private Streams s = new Streams();

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void aCompleteStreamStoresEveryIndexOnceAndSealsOnce() throws Exception {
        Batch b = s.create(5);
        String stream = lines("a", 0, 2) + lines("again", 1, 2) + "\r\n" + bigLine(2, 70_000) + lines("a", 3, 5);

        IngestResult r = s.ingest.run(b, body(stream), ItemForm.NATIVE);

        assertThat(r.accepted()).isEqualTo(4);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.deduplicated()).isEqualTo(1);
        assertThat(r.sealedNow()).isTrue();
        assertThat(r.sealed()).isTrue();
        assertThat(r.enqueuedCount()).isEqualTo(5);
        assertThat(s.store.seals()).isEqualTo(1);
        List<ItemRecord> items = s.store.items(b.id(), -1, 10);
        assertThat(items.get(1).payload()).isEqualTo("\"a1\"");
        assertThat(items.get(2).errorCode()).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void aStreamSentToASealedBatchTakesNothingAndCountsItsLinesAsDuplicates() throws Exception {
        Batch b = s.create(3);
        s.ingest.run(b, body(lines("a", 0, 3)), ItemForm.NATIVE);
        int writes = s.store.writeSizes().size();

        IngestResult again = s.ingest.run(s.now(b), body(lines("b", 0, 3) + "\n \n"), ItemForm.NATIVE);

        assertThat(again.accepted()).isZero();
        assertThat(again.deduplicated()).isEqualTo(3);
        assertThat(again.sealedNow()).isFalse();
        assertThat(again.sealed()).isTrue();
        assertThat(s.store.writeSizes()).hasSize(writes);
        assertThat(s.store.items(b.id(), -1, 10).getFirst().payload()).isEqualTo("\"a0\"");
    }

    @Test
    void anExpiredBatchIsRefusedBeforeAnythingIsRead() {
        Batch b = s.create(3);
        s.clock.advanceMillis(1000);
        assertThat(s.store.expire(Instant.ofEpochMilli(s.clock.epochMillis())).batchIds()).containsExactly(b.id());
        InputStream unread = body(lines("a", 0, 3));

        assertThatThrownBy(() -> s.ingest.run(s.now(b), unread, ItemForm.NATIVE))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.BATCH_EXPIRED);
                    assertThat(e.getMessage()).contains(b.id());
                });
        assertThat(s.store.writeSizes()).isEmpty();
    }

    @Test
    void groupsOfAtMostAGroupAreCommittedTwoAtATimeWhileTheNextFills() throws Exception {
        int n = GroupCommits.GROUP_ITEMS * 3 + 17;
        Batch b = s.create(n);
        // Each write waits for a second one to arrive: only a stream that keeps two commits in flight gets past the
        // first write without waiting out the timeout.
        CountDownLatch two = new CountDownLatch(GroupCommits.COMMITS_IN_FLIGHT);
        s.store.beforeEachWrite((id, group) -> {
            two.countDown();
            await(two);
        });

        IngestResult r = s.ingest.run(b, body(lines("a", 0, n)), ItemForm.NATIVE);

        assertThat(r.accepted()).isEqualTo(n);
        assertThat(r.sealedNow()).isTrue();
        assertThat(s.store.maxWritesInFlight()).isEqualTo(GroupCommits.COMMITS_IN_FLIGHT);
        assertThat(s.store.writeSizes()).hasSize(4).allSatisfy(size ->
                assertThat(size).isLessThanOrEqualTo(GroupCommits.GROUP_ITEMS));
        assertThat(s.store.writeSizes().stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
    }

    @Test
    void aGroupIsAlsoCutByItsInlineBytes() throws Exception {
        s.close();
        s = new Streams(64 * 1024); // nothing offloaded: every payload is inline
        int perItem = 50_000;
        int n = (int) (GroupCommits.GROUP_BYTES / perItem) * 2 + 3;
        Batch b = s.create(n);
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < n; i++) {
            stream.append(bigLine(i, perItem));
        }

        assertThat(s.ingest.run(b, body(stream.toString()), ItemForm.NATIVE).accepted()).isEqualTo(n);
        assertThat(s.store.writeSizes()).hasSize(3)
                .allSatisfy(size -> assertThat((long) size * perItem).isLessThan(GroupCommits.GROUP_BYTES + perItem));
    }

    @Test
    void aBadLineAfterSeveralGroupsIsNamedAndEveryGroupBeforeItIsCommitted() throws Exception {
        int good = GroupCommits.GROUP_ITEMS * 2 + 345;
        Batch b = s.create(good + 10);
        String stream = lines("a", 0, good) + "{\"index\":" + good + ",\"payload\":\n" + lines("a", good + 1, good + 10);

        assertThatThrownBy(() -> s.ingest.run(b, body(stream), ItemForm.NATIVE))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.MALFORMED_JSON);
                    assertThat(e.line()).isEqualTo(good + 1L);
                    assertThat(e.getMessage()).startsWith("line " + (good + 1) + ": ");
                });

        assertThat(s.store.counts(b.id()).total()).isEqualTo(good);
        assertThat(s.store.missing(b.id(), 10).getFirst().from()).isEqualTo(good);
        IngestResult retry = s.ingest.run(s.now(b), body(lines("a", 0, good + 10)), ItemForm.NATIVE);
        assertThat(retry.accepted()).isEqualTo(10);
        assertThat(retry.deduplicated()).isEqualTo(good);
        assertThat(retry.sealedNow()).isTrue();
    }

    @Test
    void anIndexOutOfRangeIsNamedWithItsLineAndIndex() throws Exception {
        Batch b = s.create(3);

        assertThatThrownBy(() -> s.ingest.run(b, body(lines("a", 0, 1) + "{\"index\":3,\"payload\":1}\n"),
                ItemForm.NATIVE)).isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.INDEX_OUT_OF_RANGE);
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.index()).isEqualTo(3);
                });
        assertThat(s.store.counts(b.id()).total()).isEqualTo(1);
    }

    @Test
    void aFormsRefusalEndsTheStreamAsThrownAfterWhatCameBefore() throws Exception {
        Batch b = s.create(5);
        ItemForm refusingThree = item -> {
            if (item.index() == 3) {
                throw new IllegalArgumentException("no threes");
            }
            return ItemForm.NATIVE.of(item);
        };

        assertThatThrownBy(() -> s.ingest.run(b, body(lines("a", 0, 5)), refusingThree))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no threes");
        assertThat(s.store.items(b.id(), -1, 10)).extracting(ItemRecord::index).containsExactly(0L, 1L, 2L);
    }

    @Test
    void largePayloadsAreOffloadedAsSentBeforeTheRowThatPointsAtThem() throws Exception {
        s.close();
        s = new Streams(100);
        Batch b = s.create(40);
        List<String> rowsWithoutObject = Collections.synchronizedList(new ArrayList<>());
        s.store.beforeEachWrite((id, group) -> group.stream().filter(r -> r.objectKey() != null)
                .filter(r -> !s.objects.contains(r.objectKey())).forEach(r -> rowsWithoutObject.add(r.objectKey())));
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            stream.append(i % 2 == 0 ? bigLine(i, 500 + i) : lines("small", i, i + 1));
        }

        IngestResult r = s.ingest.run(b, body(stream.toString()), ItemForm.NATIVE);

        assertThat(r.accepted()).isEqualTo(40);
        assertThat(rowsWithoutObject).isEmpty();
        ItemRecord offloaded = s.store.items(b.id(), 5, 1).getFirst();
        assertThat(offloaded.objectKey()).isEqualTo(PayloadKeys.of(b.id(), 6));
        assertThat(offloaded.payloadBytes()).isEqualTo(508);
        try (InputStream in = s.objects.get(offloaded.objectKey())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("\"" + "x".repeat(506) + "\"");
        }
        assertThat(s.store.items(b.id(), 6, 1).getFirst().payload()).isEqualTo("\"small7\"");
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
