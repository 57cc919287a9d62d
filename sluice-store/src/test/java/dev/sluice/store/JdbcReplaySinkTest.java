package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.replay.Event;
import dev.sluice.replay.ReplaySink.Applied;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.ReplayTables.StoredAccount;
import dev.sluice.store.ReplayTables.StoredIdentity;
import dev.sluice.store.ReplayTables.StoredRecord;
import dev.sluice.store.ReplayTables.Tombstone;
import dev.sluice.store.testing.FixedClock;
import dev.sluice.store.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The replay sink's rules against real SQLite and real PostgreSQL; each invocation gets a fresh database. */
class JdbcReplaySinkTest {
    static final String DID = "did:plc:alice";
    static final String POST = "app.bsky.feed.post";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final FixedClock clock = new FixedClock(1_700_000_000_000L);
    private long timeUs = 1_000;

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void createUpdateDelete(Kind kind) throws Exception {
        try (Database db = open(kind)) {
            var sink = new JdbcReplaySink(db, clock);
            assertThat(sink.apply("job", 0, List.of(create("a", "3k001", "one")), 1)).isEqualTo(new Applied(1, 0));
            assertThat(records(db)).containsExactly(row("a", "3k001", "one"));

            assertThat(sink.apply("job", 0, List.of(update("a", "3k002", "two")), 2)).isEqualTo(new Applied(1, 0));
            assertThat(records(db)).containsExactly(row("a", "3k002", "two"));

            assertThat(sink.apply("job", 0, List.of(delete("a", "3k003")), 3)).isEqualTo(new Applied(1, 0));
            assertThat(records(db)).isEmpty();
            assertThat(ReplayTables.tombstones(db)).extracting(Tombstone::rkey, Tombstone::rev)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "3k003"));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void anOlderOrEqualRevIsSkipped(Kind kind) throws Exception {
        try (Database db = open(kind)) {
            var sink = new JdbcReplaySink(db, clock);
            sink.apply("job", 0, List.of(create("a", "3k005", "five")), 1);

            assertThat(sink.apply("job", 0, List.of(update("a", "3k004", "four")), 2)).isEqualTo(new Applied(0, 1));
            assertThat(sink.apply("job", 0, List.of(update("a", "3k005", "five again")), 3))
                    .isEqualTo(new Applied(0, 1));
            assertThat(sink.apply("job", 0, List.of(delete("a", "3k004")), 4)).isEqualTo(new Applied(0, 1));
            assertThat(records(db)).containsExactly(row("a", "3k005", "five"));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void withinOneCallTheGreatestRevWinsAndTheRestAreSkipped(Kind kind) throws Exception {
        try (Database db = open(kind)) {
            var sink = new JdbcReplaySink(db, clock);
            Applied applied = sink.apply("job", 0, List.of(
                    update("a", "3k002", "two"), create("a", "3k001", "one"), update("a", "3k003", "three"),
                    update("a", "3k002", "two again"),
                    create("b", "3k001", "b first"), create("b", "3k001", "b equal, later")), 1);
            assertThat(applied).isEqualTo(new Applied(2, 4));
            assertThat(records(db)).containsExactly(row("a", "3k003", "three"), row("b", "3k001", "b equal, later"));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void aDeleteThenAnOlderCreateInALaterCallStaysDeleted(Kind kind) throws Exception {
        try (Database db = open(kind)) {
            var sink = new JdbcReplaySink(db, clock);
            sink.apply("job", 0, List.of(create("a", "3k003", "three")), 1);
            assertThat(sink.apply("job", 0, List.of(delete("a", "3k005")), 2)).isEqualTo(new Applied(1, 0));

            // Re-read after a resume: the create and update before the delete arrive again.
            assertThat(sink.apply("job", 0, List.of(create("a", "3k003", "three"), update("a", "3k004", "four")), 3))
                    .isEqualTo(new Applied(0, 2));
            assertThat(sink.apply("job", 0, List.of(create("a", "3k005", "equal rev")), 4)).isEqualTo(new Applied(0, 1));
            assertThat(records(db)).isEmpty();

            // A delete of a key never seen is applied too: its tombstone guards the key.
            assertThat(sink.apply("job", 0, List.of(delete("z", "3k009")), 5)).isEqualTo(new Applied(1, 0));
            assertThat(sink.apply("job", 0, List.of(create("z", "3k008", "older")), 6)).isEqualTo(new Applied(0, 1));
            assertThat(records(db)).isEmpty();

            // Only a newer create brings a key back.
            assertThat(sink.apply("job", 0, List.of(create("a", "3k006", "six")), 7)).isEqualTo(new Applied(1, 0));
            assertThat(records(db)).containsExactly(row("a", "3k006", "six"));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void aDeleteThenAnOlderCreateInOneCallStaysDeleted(Kind kind) throws Exception {
        try (Database db = open(kind)) {
            var sink = new JdbcReplaySink(db, clock);
            sink.apply("job", 0, List.of(create("a", "3k001", "one")), 1);
            Applied applied = sink.apply("job", 0, List.of(
                    delete("a", "3k005"), create("a", "3k004", "four"),
                    delete("b", "3k002"), create("b", "3k001", "one")), 2);
            assertThat(applied).isEqualTo(new Applied(2, 2));
            assertThat(records(db)).isEmpty();
            assertThat(ReplayTables.tombstones(db)).extracting(Tombstone::rkey, Tombstone::rev).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("a", "3k005"), org.assertj.core.groups.Tuple.tuple("b", "3k002"));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void revsCompareAsUtf8BytesNotAsJavaStrings(Kind kind) throws Exception {
        // U+FF01 sorts after the surrogate pair of U+1F600 as UTF-16, before it as UTF-8 (and as code points).
        String bmp = "3k\uFF01";
        String supplementary = "3k\uD83D\uDE00";
        try (Database db = open(kind)) {
            var sink = new JdbcReplaySink(db, clock);
            sink.apply("job", 0, List.of(create("a", bmp, "bmp")), 1);
            assertThat(sink.apply("job", 0, List.of(create("a", supplementary, "supplementary")), 2))
                    .isEqualTo(new Applied(1, 0));
            sink.apply("job", 0, List.of(create("b", supplementary, "supplementary"), create("b", bmp, "bmp")), 3);
            assertThat(records(db)).containsExactly(row("a", supplementary, "supplementary"),
                    row("b", supplementary, "supplementary"));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void theSameEventsTwiceChangeNothingTheSecondTime(Kind kind) throws Exception {
        List<Event> events = List.of(create("a", "3k001", "one"), update("a", "3k002", "two"), create("b", "3k001", "b"),
                delete("b", "3k002"), delete("c", "3k001"), identity("did:plc:bob", "bob.test", 4),
                account("did:plc:bob", false, "takendown", 7));
        try (Database db = open(kind)) {
            var sink = new JdbcReplaySink(db, clock);
            assertThat(sink.apply("job", 0, events, 10)).isEqualTo(new Applied(5, 2));
            State first = state(db);

            clock.setEpochMillis(clock.epochMillis() + 1_000);
            assertThat(sink.apply("job", 1, events, 10)).isEqualTo(new Applied(0, events.size()));
            assertThat(state(db)).isEqualTo(first);
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void identityAndAccountEventsWinByGreaterSeq(Kind kind) throws Exception {
        String bob = "did:plc:bob";
        try (Database db = open(kind)) {
            var sink = new JdbcReplaySink(db, clock);
            assertThat(sink.apply("job", 0, List.of(identity(bob, "bob.five", 5), account(bob, true, null, 5)), 1))
                    .isEqualTo(new Applied(2, 0));
            assertThat(sink.apply("job", 0, List.of(identity(bob, "bob.three", 3), identity(bob, "bob.five", 5),
                    account(bob, false, "deactivated", 4)), 2)).isEqualTo(new Applied(0, 3));
            assertThat(ReplayTables.identities(db)).extracting(StoredIdentity::handle).containsExactly("bob.five");

            // In one call: the greatest seq, the later of equals.
            assertThat(sink.apply("job", 0, List.of(identity(bob, "bob.nine", 9), identity(bob, "bob.eight", 8),
                    account(bob, false, "suspended", 6), account(bob, false, "deactivated", 6)), 3))
                    .isEqualTo(new Applied(2, 2));
            assertThat(ReplayTables.identities(db)).extracting(StoredIdentity::handle, StoredIdentity::seq)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("bob.nine", 9L));
            assertThat(ReplayTables.accounts(db)).extracting(StoredAccount::active, StoredAccount::status,
                    StoredAccount::seq).containsExactly(org.assertj.core.groups.Tuple.tuple(false, "deactivated", 6L));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void theCheckpointIsTheHighestLaneAndNeverFalls(Kind kind) throws Exception {
        try (Database db = open(kind)) {
            var sink = new JdbcReplaySink(db, clock);
            assertThat(sink.checkpoint("job")).isEmpty();
            assertThat(ReplayTables.records(db)).isEmpty(); // reading created nothing
            assertThat(tableCount(db)).isZero();

            sink.apply("job", 0, List.of(), 100);
            assertThat(sink.checkpoint("job")).isEqualTo(OptionalLong.of(100));
            sink.apply("job", 1, List.of(create("a", "3k001", "one")), 80);
            assertThat(sink.checkpoint("job")).isEqualTo(OptionalLong.of(100));
            sink.apply("job", 0, List.of(), 50);
            assertThat(sink.checkpoint("job")).isEqualTo(OptionalLong.of(100));
            sink.apply("job", 1, List.of(), 150);
            assertThat(sink.checkpoint("job")).isEqualTo(OptionalLong.of(150));
            sink.apply("job", 1, List.of(), 120);
            assertThat(sink.checkpoint("job")).isEqualTo(OptionalLong.of(150));
            assertThat(sink.checkpoint("other")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void aFailedApplyLeavesNeitherRowsNorCheckpoint(Kind kind) throws Exception {
        try (Database db = open(kind)) {
            var sink = new JdbcReplaySink(db, clock);
            sink.apply("job", 0, List.of(create("a", "3k001", "one")), 100);
            State before = state(db);

            // A create without a record body breaks the NOT NULL on records.record, after the other rows were written.
            Event broken = Event.commit(DID, timeUs++, new Event.Commit("3k009", Event.Operation.CREATE, POST, "zz",
                    "cid", null), 0);
            List<Event> events = List.of(update("a", "3k002", "two"), create("b", "3k001", "b"), delete("c", "3k001"),
                    identity("did:plc:bob", "bob.test", 1), broken);
            assertThatThrownBy(() -> sink.apply("job", 0, events, 200))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("job 'job' lane 0")
                    .hasMessageContaining("nothing of it was applied");
            assertThat(state(db)).isEqualTo(before);
            assertThat(sink.checkpoint("job")).isEqualTo(OptionalLong.of(100));

            // Still usable afterwards (on SQLite: its single pooled connection was given back clean).
            sink.apply("job", 0, List.of(update("a", "3k002", "two")), 200);
            assertThat(records(db)).containsExactly(row("a", "3k002", "two"));
            assertThat(sink.checkpoint("job")).isEqualTo(OptionalLong.of(200));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void clearCheckpointForgetsOnlyThatJobAndKeepsTheRows(Kind kind) throws Exception {
        try (Database db = open(kind)) {
            var sink = new JdbcReplaySink(db, clock);
            sink.clearCheckpoint("job"); // nothing to clear yet, no tables: fine
            sink.apply("job", 0, List.of(create("a", "3k001", "one")), 100);
            sink.apply("job", 1, List.of(), 120);
            sink.apply("other", 0, List.of(), 7);

            sink.clearCheckpoint("job");
            assertThat(sink.checkpoint("job")).isEmpty();
            assertThat(sink.checkpoint("other")).isEqualTo(OptionalLong.of(7));
            assertThat(records(db)).containsExactly(row("a", "3k001", "one"));

            sink.apply("job", 0, List.of(), 5);
            assertThat(sink.checkpoint("job")).isEqualTo(OptionalLong.of(5));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void badArgumentsAreRefusedBeforeAnythingIsWritten(Kind kind) throws Exception {
        try (Database db = open(kind)) {
            var sink = new JdbcReplaySink(db, clock);
            assertThatThrownBy(() -> sink.apply(" ", 0, List.of(), 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("job name");
            assertThatThrownBy(() -> sink.apply("job", -1, List.of(), 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lane must be >= 0");
            assertThat(tableCount(db)).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void theCopyLimitLoadsTheFinalRowsAndMatchesTheExpectedDigest(Kind kind) throws Exception {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            events.add(create("k" + i, "3k001", "line\tbreak\n\\ \"quoted\" " + i));
        }
        events.add(update("k7", "3k002", "seven"));
        events.add(delete("k8", "3k002"));
        events.add(identity("did:plc:bob", "bob.test", 1));
        try (Database db = open(kind)) {
            var sink = new JdbcReplaySink(db, clock);
            assertThat(sink.copyLimit(ReplayTables.finalRows(events))).isEqualTo(1_199);
            assertThat(ReplayTables.digest(db)).isEqualTo(ReplayTables.expectedDigest(events));
            assertThat(records(db)).hasSize(1_199)
                    .contains(row("k7", "3k002", "seven"), row("k9", "3k001", "line\tbreak\n\\ \"quoted\" 9"))
                    .noneMatch(r -> r.rkey().equals("k8"));

            // The same events through apply, into a second database, give the same digest.
            try (Database other = open(kind)) {
                new JdbcReplaySink(other, clock).apply("job", 0, events, 1);
                assertThat(ReplayTables.digest(other)).isEqualTo(ReplayTables.digest(db));
            }
        }
    }

    // --- helpers

    /** Everything the sink stores, for before/after comparisons. */
    record State(List<StoredRecord> records, List<Tombstone> tombstones, List<StoredIdentity> identities,
                 List<StoredAccount> accounts) {
    }

    static State state(Database db) {
        return new State(ReplayTables.records(db), ReplayTables.tombstones(db), ReplayTables.identities(db),
                ReplayTables.accounts(db));
    }

    /** A stored record reduced to what the tests compare: rkey, rev, the record's "note". */
    record Row(String rkey, String rev, String note) {
    }

    static Row row(String rkey, String rev, String note) {
        return new Row(rkey, rev, note);
    }

    static List<Row> records(Database db) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (StoredRecord r : ReplayTables.records(db)) {
            assertThat(r.cid()).isEqualTo("cid-" + r.rkey() + "-" + r.rev());
            rows.add(new Row(r.rkey(), r.rev(), JSON.readTree(r.recordJson()).path("note").asText()));
        }
        return rows;
    }

    private Database open(Kind kind) {
        return Database.open(TestDatabases.fresh(kind, dir));
    }

    /** How many of the replay tables exist. */
    private static int tableCount(Database db) throws Exception {
        String sql = db.url().kind() == Kind.POSTGRESQL
                ? "SELECT count(*) FROM pg_tables WHERE tablename IN ('records', 'record_tombstones', 'identities',"
                        + " 'accounts', 'replay_checkpoints')"
                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('records', 'record_tombstones',"
                        + " 'identities', 'accounts', 'replay_checkpoints')";
        try (Connection c = db.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String body(String note) {
        try {
            return JSON.writeValueAsString(java.util.Map.of("note", note));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Event commit(Event.Operation op, String rkey, String rev, String note) {
        boolean delete = op == Event.Operation.DELETE;
        return Event.commit(DID, timeUs++, new Event.Commit(rev, op, POST, rkey,
                delete ? null : "cid-" + rkey + "-" + rev, delete ? null : body(note)), 0);
    }

    Event create(String rkey, String rev, String note) {
        return commit(Event.Operation.CREATE, rkey, rev, note);
    }

    Event update(String rkey, String rev, String note) {
        return commit(Event.Operation.UPDATE, rkey, rev, note);
    }

    Event delete(String rkey, String rev) {
        return commit(Event.Operation.DELETE, rkey, rev, null);
    }

    Event identity(String did, String handle, long seq) {
        return Event.identity(did, timeUs++, new Event.Identity(handle, seq, "2026-01-01T00:00:00Z"), 0);
    }

    Event account(String did, boolean active, String status, long seq) {
        return Event.account(did, timeUs++, new Event.Account(active, status, seq, "2026-01-01T00:00:00Z"), 0);
    }
}
