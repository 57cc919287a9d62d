package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.Remainder;
import dev.sluice.pull.SourceRecord;
import dev.sluice.pull.StreamWrite;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.testing.FixedClock;
import dev.sluice.store.testing.StoredRows;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.sync.Change;
import dev.sluice.sync.Change.Event;
import dev.sluice.sync.Change.Rank;
import dev.sluice.sync.ChangeSink.Applied;
import dev.sluice.sync.ChangeSink.Commit;
import dev.sluice.sync.ChangeSink.CursorAdvance;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.Stored;
import dev.sluice.sync.SyncState;
import dev.sluice.time.TimeRange;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The change sink against real SQLite and PostgreSQL: the version rule under locks, events once, deletions final. */
class JdbcChangeSinkTest {
    private static final String NS = "stripe";
    private static final long S = 1_800_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger EVENTS = new AtomicInteger();

    @TempDir
    Path dir;

    private final FixedClock clock = new FixedClock(S * 1000 + 5);

    private Database open(Kind kind) {
        return Database.open(TestDatabases.fresh(kind, dir));
    }

    static Change event(String id, long second, Rank rank, String note) {
        Change.Kind kind = rank == Rank.DELETED ? Change.Kind.DELETE : Change.Kind.UPSERT;
        return Change.ofEvent("customers", id, S - 1000, note == null ? null : json(id, note), kind,
                new Event("evt_" + EVENTS.incrementAndGet(), second, rank, "customer." + rank.name().toLowerCase()));
    }

    static Change copy(String id, long millis, String note) {
        return Change.copy("customers", id, S - 1000, millis, json(id, note));
    }

    static String json(String id, String note) {
        return "{\"id\":\"" + id + "\",\"created\":" + (S - 1000) + ",\"note\":\"" + note + "\"}";
    }

    static String note(StoredRows.Row row) throws Exception {
        return JSON.readTree(row.data()).path("note").asText();
    }

    private static Applied apply(JdbcChangeSink sink, DeletionMode deletes, Change... changes) {
        return sink.apply(new Commit(NS, deletes, List.of(changes), Map.of(), null));
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void eventsApplyByTheVersionRuleAndEachEventOnce(Kind kind) throws Exception {
        try (Database db = open(kind); var sink = new JdbcChangeSink(db, clock)) {
            sink.prepare(NS, "customers");
            Change created = event("cus_1", S, Rank.CREATED, "created");
            Change updated = event("cus_1", S + 1, Rank.UPDATED, "updated");
            assertThat(apply(sink, DeletionMode.TOMBSTONE, updated, created)).isEqualTo(new Applied(1, 1, 0));
            assertThat(note(StoredRows.of(db, NS, "customers").get("cus_1"))).isEqualTo("updated");
            // The same events again: recognised, not applied.
            assertThat(apply(sink, DeletionMode.TOMBSTONE, created, updated)).isEqualTo(new Applied(0, 0, 2));
            assertThat(sink.applied(NS, List.of(created.event().id(), "evt_other"))).containsExactly(
                    created.event().id());
            assertThat(sink.stored(NS, "customers", List.of("cus_1", "cus_2")))
                    .containsExactly(Map.entry("cus_1", new Stored(updated.version(), false)));
            // An older copy is not newer; a newer copy is.
            apply(sink, DeletionMode.TOMBSTONE, copy("cus_1", (S + 1) * 1000 + 400, "old copy"));
            assertThat(note(StoredRows.of(db, NS, "customers").get("cus_1"))).isEqualTo("updated");
            apply(sink, DeletionMode.TOMBSTONE, copy("cus_1", (S + 2) * 1000, "new copy"));
            assertThat(note(StoredRows.of(db, NS, "customers").get("cus_1"))).isEqualTo("new copy");
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void aTombstoneKeepsTheLastDataAndNothingOlderBringsItBack(Kind kind) throws Exception {
        try (Database db = open(kind); var sink = new JdbcChangeSink(db, clock);
             var lists = new JdbcRecordSink(db, clock)) {
            sink.prepare(NS, "customers");
            apply(sink, DeletionMode.TOMBSTONE, event("cus_1", S, Rank.CREATED, "alive"));
            // A deletion stub (no data) keeps the stored data; a deletion of an unknown object stores a stub.
            apply(sink, DeletionMode.TOMBSTONE, event("cus_1", S + 5, Rank.DELETED, null),
                    event("cus_9", S + 5, Rank.DELETED, null));
            apply(sink, DeletionMode.TOMBSTONE, event("cus_1", S + 3, Rank.UPDATED, "older update"));
            apply(sink, DeletionMode.TOMBSTONE, copy("cus_1", (S + 60) * 1000, "re-read"));
            lists.commit("j", List.of(new StreamWrite(NS, "customers", List.of(
                    new SourceRecord("cus_1", S - 1000, (S + 70) * 1000, json("cus_1", "list page")),
                    new SourceRecord("cus_9", S - 1000, (S + 70) * 1000, json("cus_9", "list page"))),
                    new Checkpoint(new TimeRange(0, 10), List.of(new Remainder(0, 5, null))))));
            var rows = StoredRows.of(db, NS, "customers");
            assertThat(rows.get("cus_1").deleted()).isTrue();
            assertThat(note(rows.get("cus_1"))).isEqualTo("alive");
            assertThat(rows.get("cus_9").deleted()).isTrue();
            assertThat(JSON.readTree(rows.get("cus_9").data()).path("deleted").asBoolean()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void removedObjectsAreRememberedSoNoListPageOrEventRestoresThem(Kind kind) throws Exception {
        try (Database db = open(kind); var sink = new JdbcChangeSink(db, clock);
             var lists = new JdbcRecordSink(db, clock)) {
            sink.prepare(NS, "customers");
            apply(sink, DeletionMode.REMOVE, event("cus_1", S, Rank.CREATED, "alive"),
                    event("cus_2", S, Rank.CREATED, "alive"));
            apply(sink, DeletionMode.REMOVE, event("cus_1", S + 5, Rank.DELETED, null));
            assertThat(StoredRows.of(db, NS, "customers")).containsOnlyKeys("cus_2");
            assertThat(StoredRows.removed(db, NS, "customers")).containsExactly("cus_1");
            apply(sink, DeletionMode.REMOVE, event("cus_1", S + 9, Rank.UPDATED, "late"));
            lists.commit("j", List.of(new StreamWrite(NS, "customers", List.of(
                    new SourceRecord("cus_1", S - 1000, (S + 70) * 1000, json("cus_1", "list page")),
                    new SourceRecord("cus_3", S - 1000, (S + 70) * 1000, json("cus_3", "list page"))),
                    new Checkpoint(new TimeRange(0, 10), List.of()))));
            assertThat(StoredRows.of(db, NS, "customers")).containsOnlyKeys("cus_2", "cus_3");
            assertThat(sink.stored(NS, "customers", List.of("cus_1")).get("cus_1").deleted()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void aReReadCopyIsAppliedLastAsACopy(Kind kind) throws Exception {
        try (Database db = open(kind); var sink = new JdbcChangeSink(db, clock)) {
            sink.prepare(NS, "customers");
            apply(sink, DeletionMode.TOMBSTONE, event("cus_1", S, Rank.UPDATED, "first"));
            Change tie = event("cus_1", S, Rank.UPDATED, "tied");
            Change reread = copy("cus_1", (S + 40) * 1000, "re-read");
            sink.apply(new Commit(NS, DeletionMode.TOMBSTONE, List.of(tie), Map.of(reread.key(), reread), null));
            assertThat(note(StoredRows.of(db, NS, "customers").get("cus_1"))).isEqualTo("re-read");
            // A re-read that finds the object gone is a deletion.
            Change gone = Change.gone("customers", "cus_1", (S + 41) * 1000);
            sink.apply(new Commit(NS, DeletionMode.TOMBSTONE, List.of(), Map.of(gone.key(), gone), null));
            assertThat(StoredRows.of(db, NS, "customers").get("cus_1").deleted()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void theCursorMovesWithTheChangesOrNotAtAll(Kind kind) throws Exception {
        try (Database db = open(kind); var sink = new JdbcChangeSink(db, clock)) {
            sink.prepare(NS, "customers");
            SyncState begun = new SyncState("job", "", NS, S, SyncState.Phase.BACKFILL, List.of(),
                    List.of("customers"), S * 1000);
            sink.beginBackfill(begun);
            assertThat(sink.state("job", "")).contains(begun);
            sink.finishBackfill(begun, Map.of("customers", new TimeRange(0, S + 1)), DeletionMode.TOMBSTONE);
            assertThat(sink.state("job", "").orElseThrow().phase()).isEqualTo(SyncState.Phase.EVENTS);

            Change c = event("cus_1", S + 1, Rank.CREATED, "one");
            sink.apply(new Commit(NS, DeletionMode.TOMBSTONE, List.of(c), Map.of(),
                    new CursorAdvance("job", "", S + 2, List.of("customers"))));
            assertThat(sink.state("job", "").orElseThrow().cursor()).isEqualTo(S + 2);
            // A commit that fails leaves rows, applied events and cursor as they were.
            Change bad = Change.ofEvent("customers", "cus_2", S, "{not json", Change.Kind.UPSERT,
                    new Event("evt_bad", S + 3, Rank.CREATED, "customer.created"));
            Change good = event("cus_3", S + 3, Rank.CREATED, "three");
            if (kind == Kind.POSTGRESQL) {
                assertThatThrownBy(() -> sink.apply(new Commit(NS, DeletionMode.TOMBSTONE, List.of(good, bad),
                        Map.of(), new CursorAdvance("job", "", S + 4, List.of("customers")))))
                        .isInstanceOf(StoreException.class).hasMessageContaining("nothing of it was applied");
                assertThat(sink.state("job", "").orElseThrow().cursor()).isEqualTo(S + 2);
                assertThat(StoredRows.of(db, NS, "customers")).containsOnlyKeys("cus_1");
                assertThat(sink.applied(NS, List.of(good.event().id()))).isEmpty();
            }
            assertThatThrownBy(() -> sink.apply(new Commit(NS, DeletionMode.TOMBSTONE, List.of(good), Map.of(),
                    new CursorAdvance("other", "", S + 4, List.of("customers")))))
                    .hasMessageContaining("job 'other' has no events cursor");
            assertThat(StoredRows.of(db, NS, "customers")).containsOnlyKeys("cus_1");
            sink.forget("job", "");
            assertThat(sink.state("job", "")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void aFinishedBackfillTurnsRowsItDidNotListIntoDeletions(Kind kind) throws Exception {
        for (DeletionMode mode : DeletionMode.values()) {
            try (Database db = open(kind); var sink = new JdbcChangeSink(db, clock);
                 var lists = new JdbcRecordSink(db, clock)) {
                sink.prepare(NS, "customers");
                long before = S * 1000;
                clock.setEpochMillis(before);
                lists.commit("j", List.of(new StreamWrite(NS, "customers", List.of(
                        new SourceRecord("cus_gone", 100, before, json("cus_gone", "old")),
                        new SourceRecord("cus_seen", 100, before, json("cus_seen", "old")),
                        new SourceRecord("cus_outside", 500, before, json("cus_outside", "old"))),
                        new Checkpoint(new TimeRange(0, 10), List.of()))));
                long started = before + 60_000;
                SyncState s = new SyncState("j", "", NS, S + 60, SyncState.Phase.BACKFILL, List.of(),
                        List.of("customers"), started);
                sink.beginBackfill(s);
                clock.setEpochMillis(started + 1_000);
                lists.commit("j", List.of(new StreamWrite(NS, "customers", List.of(
                        new SourceRecord("cus_seen", 100, started + 1_000, json("cus_seen", "listed again"))),
                        new Checkpoint(new TimeRange(0, 10), List.of()))));
                long swept = sink.finishBackfill(s, Map.of("customers", new TimeRange(0, 400)), mode);
                assertThat(swept).isEqualTo(1);
                var rows = StoredRows.of(db, NS, "customers");
                assertThat(rows.get("cus_seen").deleted()).isFalse();
                assertThat(rows.get("cus_outside").deleted()).isFalse();
                if (mode == DeletionMode.TOMBSTONE) {
                    assertThat(rows.get("cus_gone").deleted()).isTrue();
                } else {
                    assertThat(rows).doesNotContainKey("cus_gone");
                    assertThat(StoredRows.removed(db, NS, "customers")).containsExactly("cus_gone");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void theDeletionModeIsRecordedOnceAndADifferentOneIsRefused(Kind kind) {
        try (Database db = open(kind); var sink = new JdbcChangeSink(db, clock)) {
            assertThat(sink.deletionMode(NS, null)).isEqualTo(DeletionMode.TOMBSTONE);
            assertThat(sink.deletionMode(NS, DeletionMode.TOMBSTONE)).isEqualTo(DeletionMode.TOMBSTONE);
            assertThatThrownBy(() -> sink.deletionMode(NS, DeletionMode.REMOVE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--deletes remove: namespace 'stripe' keeps deleted objects as tombstones")
                    .hasMessageContaining("UPDATE sluice_namespaces SET deletes = 'remove'");
            assertThat(sink.deletionMode("other", DeletionMode.REMOVE)).isEqualTo(DeletionMode.REMOVE);
            assertThat(sink.deletionMode("other", null)).isEqualTo(DeletionMode.REMOVE);
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void appliedEventsArePrunedPastTheRetention(Kind kind) {
        try (Database db = open(kind); var sink = new JdbcChangeSink(db, clock)) {
            sink.prepare(NS, "customers");
            Change old = event("cus_1", S, Rank.CREATED, "a");
            Change recent = event("cus_1", S + 100, Rank.UPDATED, "b");
            apply(sink, DeletionMode.TOMBSTONE, old, recent);
            assertThat(sink.pruneApplied(NS, S + 50)).isEqualTo(1);
            assertThat(sink.applied(NS, List.of(old.event().id(), recent.event().id())))
                    .containsExactly(recent.event().id());
        }
    }

    /** A database made by the release before sync: stream tables without {@code deleted}, schema version 2. */
    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void aTableMadeBeforeTheDeletedColumnIsMigratedInPlace(Kind kind) throws Exception {
        DatabaseUrl url = TestDatabases.fresh(kind, dir);
        try (Database db = Database.open(url); Connection c = db.dataSource().getConnection();
             Statement st = c.createStatement()) {
            for (String t : List.of("sluice_sync_cursors", "sluice_applied_events", "sluice_deletions",
                    "sluice_namespaces")) {
                st.execute("DROP TABLE " + t);
            }
            st.execute("DELETE FROM sluice_schema_version WHERE version > 2");
            // Today's DDL, verbatim from the release before (SqliteDialect / PostgresDialect.createStreamTable).
            String table = db.dialect().tableName(NS, "customers");
            if (kind == Kind.POSTGRESQL) {
                st.execute("CREATE SCHEMA IF NOT EXISTS \"stripe\"");
            }
            st.execute("CREATE TABLE IF NOT EXISTS " + table + " (id TEXT PRIMARY KEY, created BIGINT NOT NULL,"
                    + " version BIGINT NOT NULL, data " + db.dialect().jsonType() + " NOT NULL, synced_at "
                    + db.dialect().instantType() + " NOT NULL)");
            st.execute("INSERT INTO " + table + " (id, created, version, data, synced_at) VALUES ('cus_old', 1, 5, '"
                    + json("cus_old", "before") + "', " + (kind == Kind.POSTGRESQL ? "now()" : "0") + ")");
        }
        try (Database db = Database.open(url); var sink = new JdbcChangeSink(db, clock);
             var lists = new JdbcRecordSink(db, clock)) {
            sink.prepare(NS, "customers");
            lists.prepare(NS, "customers");
            assertThat(StoredRows.of(db, NS, "customers").get("cus_old").deleted()).isFalse();
            apply(sink, DeletionMode.TOMBSTONE, event("cus_old", S, Rank.DELETED, null));
            assertThat(StoredRows.of(db, NS, "customers").get("cus_old").deleted()).isTrue();
            assertThat(note(StoredRows.of(db, NS, "customers").get("cus_old"))).isEqualTo("before");
        }
    }
}
