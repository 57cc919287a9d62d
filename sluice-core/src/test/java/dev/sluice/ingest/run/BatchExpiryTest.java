package dev.sluice.ingest.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore.Expired;
import dev.sluice.ingest.ItemRecord;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchExpiryTest {
    private final Streams s = new Streams();

    @AfterEach
    void close() {
        s.close();
    }

    @Test
    void anExpiredBatchLosesItsPrefixWholeAndTheUploadsItReferencedOneByOne() throws IOException {
        Batch b = s.create(3);
        s.objects.put(PayloadKeys.of(b.id(), 0), new byte[] {1});
        s.objects.put(PayloadKeys.of(b.id(), 2), new byte[] {2}); // no row points at it: a crash between object and row
        s.objects.put(PayloadKeys.of(b.id() + "0", 0), new byte[] {3}); // another batch whose id starts like b's
        s.objects.put("packets/key_1/upload.json", new byte[] {4});
        s.objects.put("packets/key_1/kept.json", new byte[] {5});
        s.store.write(b.id(), List.of(ItemRecord.offloaded(0, PayloadKeys.of(b.id(), 0), 1),
                ItemRecord.offloaded(1, "packets/key_1/upload.json", 1)));
        Batch sealed = s.create(1);
        s.store.write(sealed.id(), List.of(ItemRecord.offloaded(0, "packets/key_1/kept.json", 1)));
        assertThat(s.store.trySeal(sealed.id())).isTrue();
        BatchExpiry expiry = new BatchExpiry(s.store, s.objects, Duration.ofHours(1), s.clock);

        s.clock.advanceMillis(Duration.ofMinutes(59).toMillis());
        assertThat(expiry.sweep()).isZero();
        s.clock.advanceMillis(Duration.ofMinutes(2).toMillis());
        assertThat(expiry.sweep()).isEqualTo(3);

        assertThat(s.objects.keys()).containsExactly(PayloadKeys.of(b.id() + "0", 0), "packets/key_1/kept.json");
        assertThat(s.now(b).status()).isEqualTo(Batch.Status.EXPIRED);
        assertThat(s.now(sealed).status()).isEqualTo(Batch.Status.SEALED);
        assertThat(s.store.expire(Instant.ofEpochMilli(s.clock.epochMillis())))
                .isEqualTo(new Expired(List.of(), List.of()));
    }

    @Test
    void theSweepRunsAQuarterOfTheTtlApartAndAtLeastOnceAMinute() {
        assertThat(new BatchExpiry(s.store, s.objects, Duration.ofMinutes(2), s.clock).period())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(new BatchExpiry(s.store, s.objects, Duration.ofHours(24), s.clock).period())
                .isEqualTo(Duration.ofMinutes(1));
    }
}
