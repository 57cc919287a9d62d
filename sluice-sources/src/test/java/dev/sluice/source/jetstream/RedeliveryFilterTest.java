package dev.sluice.source.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.replay.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What a reconnection re-sends is dropped, and nothing else. */
class RedeliveryFilterTest {
    private static Event at(long timeUs, String did) {
        return Event.identity(did, timeUs, new Event.Identity(did + ".test", 1, "2024-08-30T06:40:00.000Z"), 10);
    }

    private final RedeliveryFilter filter = new RedeliveryFilter();

    private boolean pass(Event e, int generation) {
        if (filter.redelivered(e, generation)) {
            return false;
        }
        filter.delivered(e, generation);
        return true;
    }

    @Test
    void aNewConnectionsResentEventsAtAndBeforeTheCursorAreDroppedAndTheRestPassed() {
        assertThat(filter.lastUs()).isEmpty();
        assertThat(pass(at(10, "did:a"), 1)).isTrue();
        assertThat(pass(at(20, "did:a"), 1)).isTrue();
        assertThat(pass(at(20, "did:b"), 1)).isTrue();
        assertThat(filter.lastUs()).hasValue(20);
        // connection 2 resumes at the inclusive cursor 20
        assertThat(pass(at(15, "did:a"), 2)).as("older than the cursor").isFalse();
        assertThat(pass(at(20, "did:b"), 2)).as("already delivered at the cursor").isFalse();
        assertThat(pass(at(20, "did:a"), 2)).isFalse();
        assertThat(pass(at(20, "did:c"), 2)).as("new at the cursor's instant").isTrue();
        assertThat(pass(at(21, "did:a"), 2)).isTrue();
        assertThat(filter.broughtNews(2)).isTrue();
    }

    @Test
    void theConnectionThatDeliveredLastIsNeverFilteredEvenForEqualEvents() {
        assertThat(pass(at(5, "did:a"), 1)).isTrue();
        assertThat(pass(at(5, "did:a"), 1)).as("a server may send two equal events at one instant").isTrue();
    }

    @Test
    void aConnectionThatBroughtOnlyRedeliveriesBroughtNoNews() {
        pass(at(5, "did:a"), 1);
        assertThat(pass(at(5, "did:a"), 2)).isFalse();
        assertThat(filter.broughtNews(2)).isFalse();
        assertThat(filter.broughtNews(1)).isTrue();
    }

    @Test
    void acrossSeededRandomReconnectionsEveryEventIsDeliveredOnceInOrder() {
        for (long seed = 1; seed <= 50; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            List<Event> history = new ArrayList<>();
            long t = 1;
            for (int i = 0; i < 500; i++) {
                t += random.nextInt(3); // several events share an instant
                history.add(at(t, "did:" + i));
            }
            RedeliveryFilter f = new RedeliveryFilter();
            List<Event> got = new ArrayList<>();
            int generation = 1;
            int i = 0;
            while (i < history.size()) {
                Event e = history.get(i);
                if (!f.redelivered(e, generation)) {
                    f.delivered(e, generation);
                    got.add(e);
                }
                i++;
                if (random.nextInt(40) == 0 && f.lastUs().isPresent()) {
                    // drop: the next connection re-sends from the first event at the last delivered instant
                    generation++;
                    long cursor = f.lastUs().getAsLong();
                    i = 0;
                    while (history.get(i).timeUs() < cursor) {
                        i++;
                    }
                    i = Math.max(0, i - random.nextInt(3)); // and a server may start a little earlier
                }
            }
            assertThat(got).as("seed %d", seed).containsExactlyElementsOf(history);
        }
    }
}
