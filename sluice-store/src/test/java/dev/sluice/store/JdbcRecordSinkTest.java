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
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.time.TimeRange;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The sink against real SQLite and real PostgreSQL; each invocation gets a fresh database. */
class JdbcRecordSinkTest {
    private static final String NS = "stripe";
    private static final TimeRange RANGE = new TimeRange(1_000, 2_000);
    private static final long NOW = 1_700_000_000_123L;

    @TempDir
    Path dir;

    private final FixedClock clock = new FixedClock(NOW);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stored row as read back, its JSON reduced to the "note" field the tests put in. */
    record Row(long created, long version, String note, long syncedAt) {
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void commitInsertsRecordsAndStampsSyncedAt(Kind kind) throws Exception {
        try (Database db = open(kind); var sink = new JdbcRecordSink(db, clock)) {
            sink.prepare(NS, "customers");
            sink.prepare(NS, "customers"); // idempotent
            sink.commit("job", List.of(write("customers", List.of(rec("cus_1", 1, 1), rec("cus_2", 2, 1)), done())));

            Map<String, Row> rows = rows(db, "customers");
            assertThat(rows).containsOnlyKeys("cus_1", "cus_2");
            assertThat(rows.get("cus_1").created()).isEqualTo(1_001);
            assertThat(rows.get("cus_1").syncedAt()).isEqualTo(NOW);
            assertThat(rows.get("cus_2")).isEqualTo(row(2, 1, "v1", NOW));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void aStoredRowIsReplacedOnlyByANewerVersion(Kind kind) throws Exception {
        try (Database db = open(kind); var sink = new JdbcRecordSink(db, clock)) {
            sink.prepare(NS, "customers");
            sink.commit("job", List.of(write("customers", List.of(rec("cus_1", 1, 5, "five")), done())));

            clock.setEpochMillis(NOW + 1);
            sink.commit("job", List.of(write("customers", List.of(rec("cus_1", 1, 4, "four")), done())));
            assertThat(rows(db, "customers").get("cus_1")).isEqualTo(row(1, 5, "five", NOW));

            sink.commit("job", List.of(write("customers", List.of(rec("cus_1", 1, 5, "five again")), done())));
            assertThat(rows(db, "customers").get("cus_1")).isEqualTo(row(1, 5, "five", NOW));

            clock.setEpochMillis(NOW + 2);
            sink.commit("job", List.of(write("customers", List.of(rec("cus_1", 1, 6, "six")), done())));
            assertThat(rows(db, "customers").get("cus_1")).isEqualTo(row(1, 6, "six", NOW + 2));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void duplicateIdsInOneCommitKeepTheHighestVersion(Kind kind) throws Exception {
        try (Database db = open(kind); var sink = new JdbcRecordSink(db, clock)) {
            sink.prepare(NS, "customers");
            sink.commit("job", List.of(write("customers", List.of(
                    rec("cus_1", 1, 2, "two"), rec("cus_1", 1, 7, "seven"), rec("cus_1", 1, 3, "three"),
                    rec("cus_2", 2, 1, "first"), rec("cus_2", 2, 1, "equal")), done())));

            Map<String, Row> rows = rows(db, "customers");
            assertThat(rows.get("cus_1").version()).isEqualTo(7);
            assertThat(rows.get("cus_1").note()).isEqualTo("seven");
            assertThat(rows.get("cus_2").note()).isEqualTo("first");
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void manyRecordsAreWrittenInSeveralChunks(Kind kind) throws Exception {
        int n = JdbcRecordSink.CHUNK * 2 + 37;
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(rec("ch_" + i, 1_000 + i % 1_000, 1));
        }
        records.add(rec("ch_7", 1_007, 2, "dup in a later chunk"));
        try (Database db = open(kind); var sink = new JdbcRecordSink(db, clock)) {
            sink.prepare(NS, "charges");
            sink.commit("job", List.of(write("charges", records, done())));
            Map<String, Row> rows = rows(db, "charges");
            assertThat(rows).hasSize(n);
            assertThat(rows.get("ch_7").version()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void checkpointRoundTrip(Kind kind) throws Exception {
        var partial = new Checkpoint(RANGE, List.of(new Remainder(1_000, 1_400, "cus_9"), new Remainder(1_500, 2_000, null)));
        try (Database db = open(kind); var sink = new JdbcRecordSink(db, clock)) {
            sink.prepare(NS, "customers");
            assertThat(sink.checkpoint("job", "customers")).isEmpty();

            sink.commit("job", List.of(write("customers", List.of(), partial)));
            assertThat(sink.checkpoint("job", "customers")).contains(partial);
            assertThat(sink.checkpoint("other", "customers")).isEmpty();

            sink.commit("job", List.of(write("customers", List.of(), done())));
            Checkpoint read = sink.checkpoint("job", "customers").orElseThrow();
            assertThat(read).isEqualTo(done());
            assertThat(read.done()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void aCommitFailingPartWayLeavesNeitherRecordsNorCheckpoints(Kind kind) throws Exception {
        var before = new Checkpoint(RANGE, List.of(new Remainder(1_000, 2_000, null)));
        try (Database db = open(kind); var sink = new JdbcRecordSink(db, clock)) {
            sink.prepare(NS, "customers");
            sink.commit("job", List.of(write("customers", List.of(rec("cus_1", 1, 1, "old")), before)));

            // The first write would succeed; the second targets a table that was never prepared.
            List<StreamWrite> writes = List.of(
                    write("customers", List.of(rec("cus_1", 1, 2, "new"), rec("cus_2", 2, 1)), done()),
                    write("charges", List.of(rec("ch_1", 1, 1)), done()));
            assertThatThrownBy(() -> sink.commit("job", writes))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("job 'job'")
                    .hasMessageContaining("stripe.charges");

            assertThat(rows(db, "customers")).containsOnlyKeys("cus_1");
            assertThat(rows(db, "customers").get("cus_1").note()).isEqualTo("old");
            assertThat(sink.checkpoint("job", "customers")).contains(before);
            assertThat(sink.checkpoint("job", "charges")).isEmpty();

            // The sink (and, on SQLite, its single pooled connection) is still usable afterwards.
            sink.commit("job", List.of(write("customers", List.of(rec("cus_2", 2, 1)), done())));
            assertThat(rows(db, "customers")).containsOnlyKeys("cus_1", "cus_2");
        }
    }

    /** PostgreSQL only: SQLite stores JSON as text without checking it. */
    @Test
    void invalidJsonOnPostgresRollsBackTheWholeCommit() throws Exception {
        try (Database db = Database.open(TestDatabases.postgres()); var sink = new JdbcRecordSink(db, clock)) {
            sink.prepare(NS, "customers");
            sink.prepare(NS, "charges");
            List<StreamWrite> writes = List.of(
                    write("charges", List.of(rec("ch_1", 1, 1)), done()),
                    write("customers", List.of(new SourceRecord("cus_1", 1_001, 1, "{not json")), done()));
            assertThatThrownBy(() -> sink.commit("job", writes))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("job 'job'")
                    .hasMessageContaining("stripe.customers");
            assertThat(rows(db, "charges")).isEmpty();
            assertThat(rows(db, "customers")).isEmpty();
            assertThat(sink.checkpoint("job", "charges")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void unsafeNamesAreRefusedBeforeAnythingIsWritten(Kind kind) throws Exception {
        try (Database db = open(kind); var sink = new JdbcRecordSink(db, clock)) {
            sink.prepare(NS, "customers");
            assertThatThrownBy(() -> sink.prepare(NS, "Robert\"; DROP TABLE x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream name");
            List<StreamWrite> writes = List.of(
                    write("customers", List.of(rec("cus_1", 1, 1)), done()),
                    new StreamWrite("Bad-NS", "customers", List.of(), done()));
            assertThatThrownBy(() -> sink.commit("job", writes))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace name 'Bad-NS'");
            assertThat(rows(db, "customers")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void resetJobForgetsOnlyThatJobsCheckpointsAndKeepsTheRecords(Kind kind) throws Exception {
        try (Database db = open(kind); var sink = new JdbcRecordSink(db, clock)) {
            sink.prepare(NS, "customers");
            sink.prepare(NS, "charges");
            sink.commit("a", List.of(write("customers", List.of(rec("cus_1", 1, 1)), done()),
                    write("charges", List.of(rec("ch_1", 1, 1)), done())));
            sink.commit("b", List.of(write("customers", List.of(), done())));

            sink.resetJob("a");

            assertThat(sink.checkpoint("a", "customers")).isEmpty();
            assertThat(sink.checkpoint("a", "charges")).isEmpty();
            assertThat(sink.checkpoint("b", "customers")).contains(done());
            assertThat(rows(db, "customers")).containsOnlyKeys("cus_1");
            assertThat(rows(db, "charges")).containsOnlyKeys("ch_1");
        }
    }

    private Database open(Kind kind) {
        return Database.open(TestDatabases.fresh(kind, dir));
    }

    static Checkpoint done() {
        return new Checkpoint(RANGE, List.of());
    }

    static StreamWrite write(String stream, List<SourceRecord> records, Checkpoint checkpoint) {
        return new StreamWrite(NS, stream, records, checkpoint);
    }

    static SourceRecord rec(String id, long createdOffset, long version) {
        return rec(id, createdOffset, version, "v" + version);
    }

    static SourceRecord rec(String id, long createdOffset, long version, String note) {
        return new SourceRecord(id, RANGE.gte() + createdOffset, version,
                "{\"id\":\"" + id + "\",\"note\":\"" + note + "\"}");
    }

    private static Row row(long createdOffset, long version, String note, long syncedAt) {
        return new Row(RANGE.gte() + createdOffset, version, note, syncedAt);
    }

    /** Every row of a stream's table, by id. */
    static Map<String, Row> rows(Database db, String stream) throws Exception {
        Map<String, Row> rows = new TreeMap<>();
        String table = db.dialect().tableName(NS, stream);
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id, created, version, data, synced_at FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getString("id"), new Row(rs.getLong("created"), rs.getLong("version"),
                        JSON.readTree(rs.getString("data")).path("note").asText(), db.dialect().readInstant(rs, "synced_at")));
            }
        }
        return rows;
    }
}
