package dev.sluice.ingest.run;

import static dev.sluice.ingest.run.Streams.body;
import static dev.sluice.ingest.run.Streams.lines;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.ItemForm;
import dev.sluice.ingest.ItemRecord;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two streams for one batch, where the slower one's commit reaches the store after the faster one stored the last
 * index and sealed: the store answers "sealed", and the slower stream counts the rest as duplicates, with no error.
 */
class SealRaceTest {
    private final Streams s = new Streams();

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void aStreamWhoseCommitMeetsTheOtherStreamsSealCountsTheRestAsDuplicates() throws Exception {
        int group = GroupCommits.GROUP_ITEMS;
        int n = group * 4;
        Batch b = s.create(n);
        CountDownLatch slowHeld = new CountDownLatch(1);
        CountDownLatch fastDone = new CountDownLatch(1);
        AtomicInteger slowWrites = new AtomicInteger();
        // The slow stream's first group goes in; its later ones wait until the fast stream has answered.
        s.store.beforeEachWrite((id, items) -> {
            ItemRecord first = items.getFirst();
            if (first.payload().startsWith("\"slow")) {
                slowWrites.incrementAndGet();
                if (first.index() >= group) {
                    slowHeld.countDown();
                    IngestTest.await(fastDone);
                }
            }
        });

        CompletableFuture<IngestResult> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return s.ingest.run(b, body(lines("slow", 0, n)), ItemForm.NATIVE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, s.executor);
        assertThat(slowHeld.await(5, TimeUnit.SECONDS)).isTrue();
        IngestResult fast = s.ingest.run(b, body(lines("fast", 0, n)), ItemForm.NATIVE);
        fastDone.countDown();
        IngestResult slowResult = slow.get(10, TimeUnit.SECONDS);

        assertThat(fast.sealedNow()).isTrue();
        assertThat(slowResult.sealedNow()).isFalse();
        assertThat(slowResult.sealed()).isTrue();
        assertThat(s.store.seals()).isEqualTo(1);
        // Every index is stored once: the slow stream's first group, and the rest by the fast one.
        assertThat(slowResult.accepted()).isEqualTo(group);
        assertThat(slowResult.deduplicated()).isEqualTo(n - group);
        assertThat(fast.accepted()).isEqualTo(n - group);
        assertThat(fast.deduplicated()).isEqualTo(group);
        assertThat(s.store.counts(b.id()).stored()).isEqualTo(n);
        // Its two held groups met the seal; the group after them never went to the store.
        assertThat(slowWrites).hasValue(3);
    }
}
