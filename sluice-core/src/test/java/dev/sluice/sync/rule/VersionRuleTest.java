package dev.sluice.sync.rule;

import static dev.sluice.sync.rule.VersionRule.Decision.APPLY;
import static dev.sluice.sync.rule.VersionRule.Decision.REREAD;
import static dev.sluice.sync.rule.VersionRule.Decision.SKIP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sync.Change;
import dev.sluice.sync.Change.Event;
import dev.sluice.sync.Change.Kind;
import dev.sluice.sync.Change.Rank;
import dev.sluice.sync.Stored;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every branch of the version rule, and the runs of one object it decides, with no I/O and no clock. */
class VersionRuleTest {
    private static final long S = 1_700_000_000L;
    private static int nextEvent;

    static Change created(long second) {
        return event(second, Rank.CREATED, Kind.UPSERT, "customer.created");
    }

    static Change updated(long second) {
        return event(second, Rank.UPDATED, Kind.UPSERT, "customer.updated");
    }

    static Change deleted(long second) {
        return event(second, Rank.DELETED, Kind.DELETE, "customer.deleted");
    }

    static Change event(long second, Rank rank, Kind kind, String type) {
        String json = kind == Kind.DELETE ? null : "{\"id\":\"cus_1\",\"n\":" + nextEvent + "}";
        return Change.ofEvent("customers", "cus_1", S - 100, json, kind,
                new Event("evt_" + nextEvent++, second, rank, type));
    }

    static Change copyAt(long millis) {
        return Change.copy("customers", "cus_1", S - 100, millis, "{\"id\":\"cus_1\",\"copy\":" + millis + "}");
    }

    static Stored stored(Change c) {
        return Stored.of(c);
    }

    @Test
    void theVersionScalePlacesEventsWithinTheirSecondByType() {
        assertThat(created(S).version()).isEqualTo(S * 1000);
        assertThat(updated(S).version()).isEqualTo(S * 1000 + 500);
        assertThat(deleted(S).version()).isEqualTo(S * 1000 + 999);
        assertThat(copyAt(S * 1000 + 123).version()).isEqualTo(S * 1000 + 123);
    }

    @Test
    void anObjectNotStoredIsApplied() {
        assertThat(VersionRule.decide(null, updated(S), true)).isEqualTo(APPLY);
        assertThat(VersionRule.decide(null, copyAt(S * 1000), true)).isEqualTo(APPLY);
        assertThat(VersionRule.decide(null, deleted(S), true)).isEqualTo(APPLY);
    }

    @Test
    void aStoredDeletionIsNeverOverwritten() {
        Stored gone = new Stored(S * 1000 + 999, true);
        assertThat(VersionRule.decide(gone, updated(S + 10), true)).isEqualTo(SKIP);
        assertThat(VersionRule.decide(gone, copyAt((S + 10) * 1000), true)).isEqualTo(SKIP);
        assertThat(VersionRule.decide(gone, created(S + 10), false)).isEqualTo(SKIP);
        assertThat(VersionRule.decide(gone, deleted(S + 10), false)).isEqualTo(SKIP);
    }

    @Test
    void anIncomingDeletionAlwaysApplies() {
        assertThat(VersionRule.decide(stored(copyAt((S + 60) * 1000)), deleted(S), true)).isEqualTo(APPLY);
        assertThat(VersionRule.decide(stored(updated(S + 5)), deleted(S), false)).isEqualTo(APPLY);
        assertThat(VersionRule.decide(new Stored((S + 60) * 1000, false), Change.gone("customers", "cus_1", S * 1000),
                false)).isEqualTo(APPLY);
    }

    @Test
    void aCopyAgainstTheStoredStateWinsOnlyWhenStrictlyNewer() {
        assertThat(VersionRule.decide(stored(copyAt(S * 1000 + 10)), copyAt(S * 1000 + 11), true)).isEqualTo(APPLY);
        assertThat(VersionRule.decide(stored(copyAt(S * 1000 + 10)), copyAt(S * 1000 + 10), true)).isEqualTo(SKIP);
        assertThat(VersionRule.decide(stored(copyAt(S * 1000 + 10)), copyAt(S * 1000 + 9), true)).isEqualTo(SKIP);
        assertThat(VersionRule.decide(stored(updated(S)), copyAt(S * 1000 + 501), true)).isEqualTo(APPLY);
        assertThat(VersionRule.decide(stored(updated(S)), copyAt(S * 1000 + 500), true)).isEqualTo(SKIP);
    }

    @Test
    void anEventOfALaterSecondApplies() {
        assertThat(VersionRule.decide(stored(copyAt(S * 1000 + 999)), updated(S + 1), true)).isEqualTo(APPLY);
        assertThat(VersionRule.decide(stored(updated(S)), updated(S + 1), false)).isEqualTo(APPLY);
        assertThat(VersionRule.decide(stored(updated(S)), created(S + 1), false)).isEqualTo(APPLY);
    }

    @Test
    void anEventOfAnEarlierSecondIsSkipped() {
        assertThat(VersionRule.decide(stored(copyAt((S + 1) * 1000)), updated(S), true)).isEqualTo(SKIP);
        assertThat(VersionRule.decide(stored(updated(S + 1)), updated(S), true)).isEqualTo(SKIP);
    }

    @Test
    void aCreationIsNeverNewerThanWhatIsStoredInItsSecond() {
        assertThat(VersionRule.decide(stored(updated(S)), created(S), true)).isEqualTo(SKIP);
        assertThat(VersionRule.decide(stored(copyAt(S * 1000)), created(S), true)).isEqualTo(SKIP);
        assertThat(VersionRule.decide(stored(created(S)), created(S), false)).isEqualTo(SKIP);
    }

    @Test
    void anUpdateTiedWithinItsSecondIsReReadWhenItCanBe() {
        assertThat(VersionRule.decide(stored(updated(S)), updated(S), true)).isEqualTo(REREAD);
        assertThat(VersionRule.decide(stored(copyAt(S * 1000 + 700)), updated(S), true)).isEqualTo(REREAD);
        assertThat(VersionRule.decide(stored(created(S)), updated(S), true)).isEqualTo(REREAD);
    }

    @Test
    void withoutAReReadATieGoesToTheHigherNumberAndTheLaterArrivalOnEqual() {
        assertThat(VersionRule.decide(stored(updated(S)), updated(S), false)).isEqualTo(APPLY);
        assertThat(VersionRule.decide(stored(created(S)), updated(S), false)).isEqualTo(APPLY);
        assertThat(VersionRule.decide(stored(copyAt(S * 1000 + 700)), updated(S), false)).isEqualTo(SKIP);
        assertThat(VersionRule.decide(stored(copyAt(S * 1000 + 300)), updated(S), false)).isEqualTo(APPLY);
    }

    @Test
    void twoUpdatesInOneSecondAskForAReReadWhoseCopyWins() {
        Change first = updated(S);
        Change second = updated(S);
        ObjectFold.Outcome before = ObjectFold.fold(stored(created(S - 3)), List.of(first, second), null, true);
        assertThat(before.needsReread()).isTrue();
        assertThat(before.write()).isEqualTo(first);

        Change copy = copyAt((S + 31) * 1000 + 5);
        ObjectFold.Outcome after = ObjectFold.fold(stored(created(S - 3)), List.of(first, second), copy, true);
        assertThat(after.needsReread()).isFalse();
        assertThat(after.write()).isEqualTo(copy);
    }

    @Test
    void anUpdateAndADeletionInOneSecondEndDeletedWhateverTheirOrder() {
        Change update = updated(S);
        Change deletion = deleted(S);
        ObjectFold.Outcome inOrder = ObjectFold.fold(stored(created(S - 9)), List.of(update, deletion), null, true);
        assertThat(inOrder.write()).isEqualTo(deletion);
        ObjectFold.Outcome reversed = ObjectFold.fold(stored(created(S - 9)), List.of(deletion, update), null, true);
        assertThat(reversed.write()).isEqualTo(deletion);
        assertThat(reversed.skipped()).isEqualTo(1);
        // A re-read copy cannot bring it back either.
        ObjectFold.Outcome reread = ObjectFold.fold(stored(created(S - 9)), List.of(deletion), copyAt((S + 40) * 1000),
                true);
        assertThat(reread.write()).isEqualTo(deletion);
    }

    @Test
    void aCreationArrivingAfterItsUpdateIsSkipped() {
        Change update = updated(S);
        Change creation = created(S);
        ObjectFold.Outcome o = ObjectFold.fold(null, List.of(update, creation), null, true);
        assertThat(o.write()).isEqualTo(update);
        assertThat(o.applied()).isEqualTo(1);
        assertThat(o.skipped()).isEqualTo(1);
        assertThat(o.needsReread()).isFalse();
        // Also across seconds: the update of a later second stays.
        assertThat(ObjectFold.fold(null, List.of(updated(S + 2), created(S)), null, true).write().event().rank())
                .isEqualTo(Rank.UPDATED);
    }

    @Test
    void aDeletionThenAnOlderUpdateStaysDeleted() {
        Change deletion = deleted(S + 5);
        Change older = updated(S);
        ObjectFold.Outcome o = ObjectFold.fold(stored(copyAt((S - 10) * 1000)), List.of(deletion, older), null, true);
        assertThat(o.write()).isEqualTo(deletion);
        assertThat(o.skipped()).isEqualTo(1);
        assertThat(ObjectFold.fold(stored(deletion), List.of(older, copyAt((S + 99) * 1000)), null, true).write())
                .isNull();
    }

    @Test
    void changesAreOrderedBySecondThenTypeRank() {
        Change d = deleted(S);
        Change u = updated(S);
        Change c = created(S);
        Change later = created(S + 1);
        List<Change> sorted = new java.util.ArrayList<>(List.of(later, d, u, c));
        sorted.sort(ObjectFold.ORDER);
        assertThat(sorted).containsExactly(c, u, d, later);
    }
}
