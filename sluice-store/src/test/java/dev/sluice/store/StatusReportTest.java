package dev.sluice.store;

import static dev.sluice.store.JdbcRecordSinkTest.rec;
import static dev.sluice.store.JdbcRecordSinkTest.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ingest.ItemRecord;
import dev.sluice.pull.Checkpoint;
import dev.sluice.replay.Event;
import dev.sluice.sync.Change;
import dev.sluice.sync.ChangeSink;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.SyncState;
import dev.sluice.pull.Remainder;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.StatusReport.JobStatus;
import dev.sluice.store.StatusReport.StreamStatus;
import dev.sluice.store.testing.FixedClock;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.time.TimeRange;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StatusReportTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final TimeRange RANGE = new TimeRange(1_000, 2_000);

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void emptyDatabaseHasNoJobs(Kind kind) {
        try (Database db = Database.open(TestDatabases.fresh(kind, dir))) {
            assertThat(StatusReport.read(db).jobs()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void listsJobsAndStreamsWithProgressAndRowCounts(Kind kind) throws Exception {
        var clock = new FixedClock(NOW);
        var partial = new Checkpoint(RANGE, List.of(new Remainder(1_000, 1_500, "ch_3")));
        try (Database db = Database.open(TestDatabases.fresh(kind, dir)); var sink = new JdbcRecordSink(db, clock)) {
            sink.prepare("stripe", "customers");
            sink.prepare("stripe", "charges");
            sink.prepare("stripe", "refunds");
            sink.commit("nightly", List.of(
                    write("customers", List.of(rec("cus_1", 1, 1), rec("cus_2", 2, 1), rec("cus_3", 3, 1)),
                            new Checkpoint(RANGE, List.of())),
                    write("charges", List.of(rec("ch_4", 600, 1)), partial)));
            clock.setEpochMillis(NOW + 5_000);
            sink.commit("adhoc", List.of(write("refunds", List.of(), new Checkpoint(RANGE, List.of()))));
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP TABLE " + db.dialect().tableName("stripe", "refunds"));
            }

            // A sync of the same tables: one customer deleted, and the job's cursor.
            var changes = new JdbcChangeSink(db, clock);
            var sync = new SyncState("live", "", "stripe", 1_700_000_000L, SyncState.Phase.EVENTS,
                    List.of("customers"), List.of(), 0);
            changes.beginBackfill(new SyncState("live", "", "stripe", 1_700_000_000L, SyncState.Phase.BACKFILL,
                    List.of(), List.of("customers"), 0));
            changes.finishBackfill(new SyncState("live", "", "stripe", 1_700_000_000L, SyncState.Phase.BACKFILL,
                    List.of(), List.of("customers"), 0), Map.of(), DeletionMode.TOMBSTONE);
            changes.apply(new ChangeSink.Commit("stripe", DeletionMode.TOMBSTONE, List.of(Change.gone("customers",
                    "cus_2", NOW + 9_000)), Map.of(), null));

            StatusReport report = StatusReport.read(db);

            assertThat(report.jobs()).extracting(JobStatus::job).containsExactly("adhoc", "nightly");
            JobStatus adhoc = report.jobs().get(0);
            assertThat(adhoc.streams()).containsExactly(new StreamStatus("stripe", "refunds", RANGE, List.of(), true,
                    Instant.ofEpochMilli(NOW + 5_000), 0, 0));
            assertThat(adhoc.done()).isTrue();
            JobStatus nightly = report.jobs().get(1);
            assertThat(nightly.streams()).containsExactly(
                    new StreamStatus("stripe", "charges", RANGE, partial.remaining(), false, Instant.ofEpochMilli(NOW),
                            1, 0),
                    new StreamStatus("stripe", "customers", RANGE, List.of(), true, Instant.ofEpochMilli(NOW), 3, 1));
            assertThat(nightly.done()).isFalse();
            assertThat(report.syncs()).containsExactly(sync);
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void showsReplayJobsAndIngestBatchesBesideTheBackfills(Kind kind) {
        var clock = new FixedClock(NOW);
        try (Database db = Database.open(TestDatabases.fresh(kind, dir))) {
            StatusReport before = StatusReport.read(db);
            assertThat(before.empty()).isTrue();
            assertThat(before.replays()).isEmpty(); // no replay tables yet: none, not a failure
            assertThat(before.batches()).isEqualTo(new StatusReport.BatchCounts(0, 0, 0));

            JdbcReplaySink replay = new JdbcReplaySink(db, clock);
            long t = 1_760_000_000_000_000L;
            Event post = Event.commit("did:plc:alice", t, new Event.Commit("3k001", Event.Operation.CREATE,
                    "app.bsky.feed.post", "a", "cid-a", "{\"text\":\"hi\"}"), 0);
            replay.apply("jetstream", 0, List.of(post), t + 1);
            clock.setEpochMillis(NOW + 2_000);
            replay.apply("jetstream", 1, List.of(), t + 500);
            replay.apply("firehose", 0, List.of(), t - 7);

            JdbcBatchStore batches = new JdbcBatchStore(db, clock);
            String sealed = batches.create("owner", 1, null, null).batch().id();
            batches.write(sealed, List.of(ItemRecord.inline(0, "{}", 2)));
            assertThat(batches.trySeal(sealed)).isTrue();
            batches.create("owner", 3, null, null);
            String old = batches.create("owner", 2, "k", null).batch().id();
            clock.setEpochMillis(NOW + 10_000);
            batches.create("owner", 5, "fresh", null);
            assertThat(batches.expire(Instant.ofEpochMilli(NOW + 5_000)).batchIds()).contains(old);

            StatusReport report = StatusReport.read(db);
            assertThat(report.empty()).isFalse();
            assertThat(report.replays()).containsExactly(
                    new StatusReport.ReplayStatus("firehose", t - 7, 1, Instant.ofEpochMilli(NOW + 2_000)),
                    new StatusReport.ReplayStatus("jetstream", t + 500, 2, Instant.ofEpochMilli(NOW + 2_000)));
            assertThat(report.batches()).isEqualTo(new StatusReport.BatchCounts(1, 1, 2));
        }
    }
}
