package dev.sluice.store.internal;

import dev.sluice.ingest.ItemRecord;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * PostgreSQL: the group in one {@code COPY}, which is all-or-nothing and checks the primary key like any insert:
 * when none of its indexes is stored yet (every first stream) it stores them all at {@code COPY}'s speed. When one
 * is (a retried or racing stream), the {@code COPY} fails with a unique violation, is rolled back to a savepoint
 * taken just before it, and the group goes through {@link #insertUnnest}'s {@code ON CONFLICT DO NOTHING}, which
 * stores exactly the new ones. Either way the key check and the write are one statement, so an index is stored
 * once however streams interleave; a {@code COPY} that meets a concurrent transaction's uncommitted row waits for
 * it like any insert does. Measured in {@code psql}: 100 {@code COPY}s of 1,000 rows took about as long as one
 * {@code COPY} of all of them; and {@code sluice bench ingest} had measured one {@code COPY} about 2.7 times as
 * fast as the {@code unnest} insert (docs/BENCHMARKS.md). The cost of the conflict case is one rejected
 * {@code COPY} (it stops at the first stored index) and an {@code ERROR} line in the server's log.
 */
final class PostgresItemInsert implements ItemInsert {
    private static final String UNIQUE_VIOLATION = "23505";

    private final Dialect dialect;

    PostgresItemInsert(Dialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public int insert(Connection c, String batchId, List<ItemRecord> rows, long createdAt) throws SQLException {
        Savepoint beforeCopy = c.setSavepoint();
        try {
            long copied = copy(c, batchId, rows, createdAt);
            c.releaseSavepoint(beforeCopy);
            return Math.toIntExact(copied);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(beforeCopy);
            return insertUnnest(c, batchId, rows, createdAt);
        }
    }

    private static long copy(Connection c, String batchId, List<ItemRecord> rows, long now) throws SQLException {
        byte[] id = batchId.getBytes(StandardCharsets.UTF_8);
        byte[] created = OffsetDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC).toString()
                .getBytes(StandardCharsets.US_ASCII);
        return CopyText.copyIn(c, "COPY sluice_batch_items (" + COLUMNS + ") FROM STDIN", rows, (out, r) ->
                out.field(id, 0, id.length).tab().number(r.index()).tab().field(r.payload()).tab()
                        .field(r.objectKey()).tab().number(r.payloadBytes()).tab().field(r.errorCode()).tab()
                        .field(r.errorMessage()).tab().field(created, 0, created.length).newline());
    }

    /**
     * When some of the group's indexes are stored already: the whole group in one statement, one array per column.
     * Measured by {@code sluice bench ingest}: multi-row {@code VALUES} with 4,000 binds per statement ran at ~45k
     * rows/s, bounded by planning and binding; {@code unnest} of arrays avoids both.
     */
    private int insertUnnest(Connection c, String batchId, List<ItemRecord> rows, long now)
            throws SQLException {
        int n = rows.size();
        Long[] idx = new Long[n];
        String[] payload = new String[n];
        String[] objectKey = new String[n];
        Long[] bytes = new Long[n];
        String[] errorCode = new String[n];
        String[] errorMessage = new String[n];
        for (int i = 0; i < n; i++) {
            ItemRecord r = rows.get(i);
            idx[i] = r.index();
            payload[i] = r.payload();
            objectKey[i] = r.objectKey();
            bytes[i] = r.payloadBytes();
            errorCode[i] = r.errorCode();
            errorMessage[i] = r.errorMessage();
        }
        String sql = "INSERT INTO sluice_batch_items (" + COLUMNS + ") SELECT ?::text, u.idx, u.payload, u.object_key,"
                + " u.payload_bytes, u.error_code, u.error_message, ?::timestamptz FROM unnest(?::bigint[], ?::text[], ?::text[],"
                + " ?::bigint[], ?::text[], ?::text[]) AS u(idx, payload, object_key, payload_bytes, error_code,"
                + " error_message) ON CONFLICT (batch_id, idx) DO NOTHING";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, batchId);
            dialect.bindInstant(ps, 2, now);
            ps.setArray(3, c.createArrayOf("bigint", idx));
            ps.setArray(4, c.createArrayOf("text", payload));
            ps.setArray(5, c.createArrayOf("text", objectKey));
            ps.setArray(6, c.createArrayOf("bigint", bytes));
            ps.setArray(7, c.createArrayOf("text", errorCode));
            ps.setArray(8, c.createArrayOf("text", errorMessage));
            return ps.executeUpdate();
        }
    }
}
