package dev.sluice.store;

import dev.sluice.ingest.Batch;
import dev.sluice.pull.Remainder;
import dev.sluice.store.internal.CheckpointRows;
import dev.sluice.store.internal.Dialect;
import dev.sluice.store.internal.ReplayCheckpointRows;
import dev.sluice.store.internal.SyncRows;
import dev.sluice.sync.SyncState;
import dev.sluice.time.TimeRange;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code sluice status} shows of every kind of job a database holds:
 * <ul>
 *   <li>backfill (and a sync's backfill) jobs: for each of their streams the frozen range, the unread remainder,
 *       whether it is done, when it last committed, and how many rows the stream's table holds;</li>
 *   <li>each sync's cursor, phase and streams ({@code sluice_sync_cursors});</li>
 *   <li>each replay job's checkpoint, lanes and last commit ({@code replay_checkpoints});</li>
 *   <li>push-ingest batches by status ({@code sluice_batches}).</li>
 * </ul>
 *
 * <p>The row count is of the whole table, which all jobs writing that stream share; it is 0 when the table does
 * not exist. Counting is a full scan on PostgreSQL, so this is for an operator's command, not a hot path.
 */
public record StatusReport(List<JobStatus> jobs, List<SyncState> syncs, List<ReplayStatus> replays,
                           BatchCounts batches) {
    public StatusReport {
        jobs = List.copyOf(jobs);
        syncs = List.copyOf(syncs);
        replays = List.copyOf(replays);
    }

    /** Whether the database holds no job of any kind. */
    public boolean empty() {
        return jobs.isEmpty() && syncs.isEmpty() && replays.isEmpty() && batches.total() == 0;
    }

    /**
     * One replay job.
     *
     * @param checkpointUs every event with {@code time_us} below it is applied
     * @param lanes        the concurrent appliers it committed through (one checkpoint row each)
     * @param updatedAt    its last commit
     */
    public record ReplayStatus(String job, long checkpointUs, int lanes, Instant updatedAt) {
    }

    /** Push-ingest batches by status. */
    public record BatchCounts(long open, long sealed, long expired) {
        public long total() {
            return open + sealed + expired;
        }
    }

    /** One job and its streams, ordered by stream name. */
    public record JobStatus(String job, List<StreamStatus> streams) {
        public JobStatus {
            streams = List.copyOf(streams);
        }

        public boolean done() {
            return streams.stream().allMatch(StreamStatus::done);
        }
    }

    /** One stream of one job. */
    /** @param deleted rows marked deleted by a sync (counted in {@code rows}) */
    public record StreamStatus(String namespace, String stream, TimeRange range, List<Remainder> remaining,
                               boolean done, Instant updatedAt, long rows, long deleted) {
        public StreamStatus {
            remaining = List.copyOf(remaining);
        }
    }

    /** Reads the report from {@code db}, ordered by job then stream. */
    public static StatusReport read(Database db) {
        Dialect dialect = db.dialect();
        try (Connection c = db.dataSource().getConnection()) {
            Map<String, List<StreamStatus>> byJob = new LinkedHashMap<>();
            Map<String, long[]> rowsByTable = new HashMap<>();
            for (CheckpointRows.Row row : new CheckpointRows(dialect).readAll(c)) {
                String table = dialect.tableName(row.namespace(), row.stream());
                long[] rows = rowsByTable.get(table);
                if (rows == null) {
                    rows = countRows(c, dialect, row.namespace(), row.stream());
                    rowsByTable.put(table, rows);
                }
                var cp = row.checkpoint();
                byJob.computeIfAbsent(row.job(), j -> new ArrayList<>()).add(new StreamStatus(row.namespace(),
                        row.stream(), cp.range(), cp.remaining(), cp.done(),
                        Instant.ofEpochMilli(row.updatedAtMillis()), rows[0], rows[1]));
            }
            List<JobStatus> jobs = new ArrayList<>();
            byJob.forEach((job, streams) -> jobs.add(new JobStatus(job, streams)));
            List<ReplayStatus> replays = new ArrayList<>();
            for (ReplayCheckpointRows.JobSummary r : new ReplayCheckpointRows(dialect).summaries(c)) {
                replays.add(new ReplayStatus(r.job(), r.cursorUs(), r.lanes(), Instant.ofEpochMilli(r.updatedAtMillis())));
            }
            return new StatusReport(jobs, new SyncRows(dialect).readAll(c), replays, batchCounts(c));
        } catch (SQLException e) {
            throw new StoreException("cannot read the status of " + db.url() + ": " + e.getMessage(), e);
        }
    }

    private static BatchCounts batchCounts(Connection c) throws SQLException {
        Map<Batch.Status, Long> n = new EnumMap<>(Batch.Status.class);
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status, COUNT(*) FROM sluice_batches GROUP BY status")) {
            while (rs.next()) {
                n.put(Batch.Status.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)), rs.getLong(2));
            }
        }
        return new BatchCounts(n.getOrDefault(Batch.Status.OPEN, 0L), n.getOrDefault(Batch.Status.SEALED, 0L),
                n.getOrDefault(Batch.Status.EXPIRED, 0L));
    }

    /** Rows and deleted rows; a table made before the deleted flag has none deleted. */
    private static long[] countRows(Connection c, Dialect dialect, String namespace, String stream)
            throws SQLException {
        if (!dialect.tableExists(c, namespace, stream)) {
            return new long[] {0, 0};
        }
        boolean flagged = dialect.hasColumn(c, namespace, stream, "deleted");
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*)" + (flagged ? ", COUNT(CASE WHEN deleted THEN 1 END)" : "")
                     + " FROM " + dialect.tableName(namespace, stream))) {
            rs.next();
            return new long[] {rs.getLong(1), flagged ? rs.getLong(2) : 0};
        }
    }
}
