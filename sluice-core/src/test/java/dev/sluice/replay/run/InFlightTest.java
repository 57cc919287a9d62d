package dev.sluice.replay.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.replay.Event;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightTest {
    static Event create(long t, String rkey) {
        return Event.commit("did:plc:a", t, new Event.Commit("r" + t, Event.Operation.CREATE, "c", rkey, "x", "{}"),
                100);
    }

    static EventBatch batch(InFlight f, long... times) {
        EventBatch b = new EventBatch();
        for (long t : times) {
            b.add(create(t, "k" + t), 100);
            f.seen(t, true);
        }
        return b;
    }

    @Test
    void aBatchCommitsTheFirstEventOfTheOldestOtherBatchStillInFlight() {
        InFlight f = new InFlight();
        EventBatch a = batch(f, 10, 11);
        f.dispatched(a, new EventBatch());
        EventBatch b = batch(f, 20, 21);
        f.dispatched(b, new EventBatch());
        EventBatch c = batch(f, 30, 31);
        f.dispatched(c, new EventBatch());

        assertThat(f.checkpointFor(c)).isEqualTo(10);
        assertThat(f.checkpointFor(a)).isEqualTo(20);
        f.finished(a);
        assertThat(f.checkpointFor(c)).isEqualTo(20);
        f.finished(b);
        assertThat(f.checkpointFor(c)).isEqualTo(31); // everything seen is in c or committed
    }

    @Test
    void theBatchBeingFormedHoldsTheCheckpointBack() {
        InFlight f = new InFlight();
        EventBatch a = batch(f, 10, 11);
        f.dispatched(a, new EventBatch());
        batch(f, 12, 13); // formed, not dispatched
        assertThat(f.checkpointFor(a)).isEqualTo(12);
    }

    @Test
    void filteredEventsLetTheCheckpointAdvance() {
        InFlight f = new InFlight();
        EventBatch a = batch(f, 10, 11);
        f.dispatched(a, new EventBatch());
        f.seen(50, false);
        assertThat(f.checkpointFor(a)).isEqualTo(50);
    }

    @Test
    void aBatchSharingARecordKeyWaitsForTheOtherToCommit() throws Exception {
        InFlight f = new InFlight();
        EventBatch a = new EventBatch();
        a.add(create(10, "same"), 100);
        f.seen(10, true);
        f.dispatched(a, new EventBatch());
        EventBatch b = new EventBatch();
        b.add(create(20, "same"), 100);
        f.seen(20, true);

        CompletableFuture<Boolean> waited = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                waited.complete(f.awaitNoConflict(b));
            } catch (InterruptedException e) {
                waited.completeExceptionally(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> t.getState() == Thread.State.WAITING);
        assertThat(waited).isNotDone();
        f.finished(a);
        assertThat(waited.get(5, TimeUnit.SECONDS)).isTrue();

        EventBatch c = new EventBatch();
        c.add(create(30, "other"), 100);
        assertThat(f.awaitNoConflict(c)).isFalse();
    }

    @Test
    void eventsWhoseKeyIsInFlightStayBehindAndStillBoundTheCheckpoint() {
        InFlight f = new InFlight();
        EventBatch a = new EventBatch();
        a.add(create(10, "x"), 100);
        f.seen(10, true);
        f.dispatched(a, new EventBatch());

        EventBatch forming = new EventBatch();
        for (long t = 20; t < 25; t++) {
            forming.add(create(t, t == 21 ? "x" : "k" + t), 100);
            f.seen(t, true);
        }
        EventBatch ready = f.free(forming);
        assertThat(ready.events()).extracting(Event::timeUs).containsExactly(20L, 22L, 23L, 24L);
        assertThat(forming.events()).extracting(Event::timeUs).containsExactly(21L);
        f.dispatched(ready, forming);
        assertThat(f.checkpointFor(ready)).isEqualTo(10); // a is still in flight
        f.finished(a);
        assertThat(f.checkpointFor(ready)).isEqualTo(21); // the held-back event is not applied yet

        // it travels in the next batch, before newer events, and that batch's first event is the oldest
        forming.add(create(30, "k30"), 100);
        f.seen(30, true);
        EventBatch next = f.free(forming);
        assertThat(next.firstUs()).isEqualTo(21);
        f.dispatched(next, forming);
        assertThat(f.checkpointFor(ready)).isEqualTo(21);
        assertThat(f.checkpointFor(next)).isEqualTo(20);
    }
}
