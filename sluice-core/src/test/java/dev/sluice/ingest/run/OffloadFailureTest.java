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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An object store that fails, and objects that are not there: the stream stops, and no row points at nothing. */
class OffloadFailureTest {
    private final Streams s = new Streams(100);

    @AfterEach
    void close() {
        s.close();
    }

    private static String stream(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i % 3 == 0 ? lines("small", i, i + 1) : bigLine(i, 200));
        }
        return sb.toString();
    }

    @Test
    void aFailedOffloadFailsTheStreamNamingTheIndexAndARetryCompletesIt() throws Exception {
        int n = 30;
        Batch b = s.create(n);
        s.objects.failPuts(key -> key.equals(PayloadKeys.of(b.id(), 13)));

        assertThatThrownBy(() -> s.ingest.run(b, body(stream(n)), ItemForm.NATIVE))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.OBJECT_STORE_UNAVAILABLE);
                    assertThat(e.index()).isEqualTo(13);
                    assertThat(e.line()).isEqualTo(14);
                    assertThat(e.getMessage()).contains("index 13").contains("memory:").contains("injected failure");
                });

        assertThat(s.store.items(b.id(), -1, n)).isNotEmpty().allSatisfy(r -> {
            assertThat(r.index()).isNotEqualTo(13);
            if (r.objectKey() != null) {
                assertThat(s.objects.contains(r.objectKey())).as(r.objectKey()).isTrue();
            }
        });
        s.objects.failPuts(key -> false);
        IngestResult retry = s.ingest.run(s.now(b), body(stream(n)), ItemForm.NATIVE);
        assertThat(retry.sealedNow()).isTrue();
        assertThat(retry.accepted() + retry.deduplicated()).isEqualTo(n);
        assertThat(s.store.counts(b.id()).stored()).isEqualTo(n);
    }

    @Test
    void everyOffloadFailingStopsTheStreamEarlyWithTheFirstFailure() throws Exception {
        int n = 2_000;
        Batch b = s.create(n);
        s.objects.failPuts(key -> true);

        assertThatThrownBy(() -> s.ingest.run(b, body(stream(n)), ItemForm.NATIVE))
                .isInstanceOfSatisfying(IngestException.class,
                        e -> assertThat(e.code()).isEqualTo(Code.OBJECT_STORE_UNAVAILABLE));

        // The stream stopped at its next offload after the first failure, not at the end of its body.
        assertThat(s.store.counts(b.id()).total()).isLessThan(n / 3);
        assertThat(s.store.items(b.id(), -1, n)).allSatisfy(r -> assertThat(r.objectKey()).isNull());
    }

    @Test
    void aReferenceToAnObjectThatIsNotThereIsObjectNotFoundAndStoresNoRow() throws Exception {
        Batch b = s.create(3);
        s.objects.put("uploads/there", new byte[] {'1'});
        ItemForm references = item -> new ItemForm.ObjectRef(item.index() == 1 ? "uploads/missing" : "uploads/there",
                1);

        assertThatThrownBy(() -> s.ingest.run(b, body(lines("a", 0, 3)), references))
                .isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.OBJECT_NOT_FOUND);
                    assertThat(e.index()).isEqualTo(1);
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).startsWith("line 2: item 1 references an object that was not uploaded");
                });
        assertThat(s.store.items(b.id(), -1, 3)).extracting(ItemRecord::index).doesNotContain(1L);
    }
}
