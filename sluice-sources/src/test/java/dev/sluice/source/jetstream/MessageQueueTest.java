package dev.sluice.source.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.source.jetstream.Link.Message;
import org.junit.jupiter.api.Test;

/** The queue asks for more only below its bound and asks again once drained below it. */
class MessageQueueTest {
    private static Message of(int bytes) {
        return new Message("x".repeat(bytes), false, 1);
    }

    @Test
    void itPausesAtTheBoundAndResumesOnlyOnceDrainedBelowIt() {
        MessageQueue q = new MessageQueue(100);
        assertThat(q.add(of(60))).isTrue();
        assertThat(q.holdsOne()).isTrue();
        assertThat(q.add(of(60))).as("120 >= 100: stop asking").isFalse();
        assertThat(q.paused()).isTrue();
        assertThat(q.bytes()).isEqualTo(120);
        assertThat(q.resume()).as("still at the bound").isFalse();
        assertThat(q.poll().size()).isEqualTo(60);
        assertThat(q.resume()).as("60 < 100: ask again, once").isTrue();
        assertThat(q.resume()).isFalse();
        assertThat(q.paused()).isFalse();
        q.poll();
        assertThat(q.poll()).isNull();
        assertThat(q.bytes()).isZero();
    }

    @Test
    void aNewConnectionIsNotPausedAndAClearedQueueHoldsNothing() {
        MessageQueue q = new MessageQueue(10);
        q.add(of(50));
        q.unpause();
        assertThat(q.paused()).isFalse();
        assertThat(q.resume()).isFalse();
        q.clear();
        assertThat(q.bytes()).isZero();
        assertThat(q.poll()).isNull();
    }
}
