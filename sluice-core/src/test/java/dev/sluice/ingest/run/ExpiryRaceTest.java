package dev.sluice.ingest.run;

import static dev.sluice.ingest.run.Streams.bigLine;
import static dev.sluice.ingest.run.Streams.body;
import static dev.sluice.ingest.run.Streams.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.ItemForm;
import dev.sluice.ingest.run.IngestException.Code;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A batch that expires while its stream is being taken — another server's sweep runs after this stream offloaded
 * a payload and before its row is written, so the sweep cannot see the object: the stream's write finds the batch
 * expired, the stream deletes that payload itself and fails with {@code BATCH_EXPIRED}.
 */
class ExpiryRaceTest {
    private final Streams s = new Streams(100);

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void aPayloadPutWhileItsBatchExpiredIsDeletedWithTheRefusedGroup() throws Exception {
        Batch b = s.create(4);
        BatchExpiry otherServer = new BatchExpiry(s.store, s.objects, Duration.ofMinutes(1), s.clock);
        s.store.beforeEachWrite((id, group) -> {
            s.clock.advanceMillis(Duration.ofMinutes(2).toMillis());
            otherServer.sweep();
        });

        assertThatThrownBy(() -> s.ingest.run(b, body(bigLine(0, 500) + lines("a", 1, 2) + bigLine(2, 300)),
                ItemForm.NATIVE)).isInstanceOfSatisfying(IngestException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.BATCH_EXPIRED);
                    assertThat(e.getMessage()).contains(b.id());
                });

        assertThat(s.now(b).status()).isEqualTo(Batch.Status.EXPIRED);
        assertThat(s.store.counts(b.id()).total()).isZero();
        assertThat(s.objects.keys()).isEmpty();
    }
}
