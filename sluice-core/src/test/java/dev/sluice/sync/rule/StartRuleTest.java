package dev.sluice.sync.rule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sync.SyncState;
import dev.sluice.sync.SyncState.Phase;
import dev.sluice.sync.rule.StartRule.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StartRuleTest {
    private static final long NOW = 1_800_000_000L;
    private static final Duration RETENTION = Duration.ofDays(30);
    private static final List<String> STREAMS = List.of("customers", "invoices");

    private static Optional<SyncState> following(long cursor, List<String> streams) {
        return Optional.of(new SyncState("j", "", "stripe", cursor, Phase.EVENTS, streams, List.of(), 0));
    }

    @Test
    void aJobWithoutStateStartsWithABackfillOfEveryStream() {
        StartRule.Step step = StartRule.next(Optional.empty(), STREAMS, NOW, RETENTION);
        assertThat(step.kind()).isEqualTo(Kind.BACKFILL_FIRST);
        assertThat(step.streams()).isEqualTo(STREAMS);
    }

    @Test
    void aBackfillUnderWayIsResumedWithItsOwnStreams() {
        var state = Optional.of(new SyncState("j", "", "stripe", NOW - 50, Phase.BACKFILL, List.of("customers"),
                List.of("invoices"), 1));
        StartRule.Step step = StartRule.next(state, STREAMS, NOW, RETENTION);
        assertThat(step.kind()).isEqualTo(Kind.BACKFILL_RESUME);
        assertThat(step.streams()).containsExactly("invoices");
    }

    @Test
    void aCursorPastTheRetentionLessTheMarginHasExpired() {
        long limit = RETENTION.toSeconds() - StartRule.margin(RETENTION);
        assertThat(StartRule.margin(RETENTION)).isEqualTo(3600);
        assertThat(StartRule.next(following(NOW - limit, STREAMS), STREAMS, NOW, RETENTION).kind())
                .isEqualTo(Kind.EVENTS);
        StartRule.Step expired = StartRule.next(following(NOW - limit - 1, STREAMS), STREAMS, NOW, RETENTION);
        assertThat(expired.kind()).isEqualTo(Kind.BACKFILL_EXPIRED);
        assertThat(expired.cursorAge()).isEqualTo(limit + 1);
        assertThat(expired.streams()).isEqualTo(STREAMS);
    }

    @Test
    void aShortRetentionHasAProportionateMargin() {
        assertThat(StartRule.margin(Duration.ofSeconds(60))).isEqualTo(6);
        assertThat(StartRule.next(following(NOW - 55, STREAMS), STREAMS, NOW, Duration.ofSeconds(60)).kind())
                .isEqualTo(Kind.BACKFILL_EXPIRED);
    }

    @Test
    void streamsTheCursorDoesNotCoverAreBackfilledAlone() {
        StartRule.Step step = StartRule.next(following(NOW - 40, List.of("customers")), STREAMS, NOW, RETENTION);
        assertThat(step.kind()).isEqualTo(Kind.BACKFILL_ADDED);
        assertThat(step.streams()).containsExactly("invoices");
    }

    @Test
    void otherwiseEventsFollowAndFewerStreamsNeedNoBackfill() {
        assertThat(StartRule.next(following(NOW - 40, STREAMS), List.of("customers"), NOW, RETENTION).kind())
                .isEqualTo(Kind.EVENTS);
    }
}
