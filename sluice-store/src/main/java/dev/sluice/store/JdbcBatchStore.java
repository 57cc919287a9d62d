package dev.sluice.store;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore;
import dev.sluice.ingest.IndexRanges;
import dev.sluice.ingest.ItemRecord;
import dev.sluice.store.internal.CopyText;
import dev.sluice.store.internal.Transactions;
import dev.sluice.time.Clock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link BatchStore} over a {@link Database}: batches in {@code sluice_batches}, items in
 * {@code sluice_batch_items} keyed by {@code (batch_id, idx)}.
 *
 * <p>Exactly once per index: {@link #write} inserts with {@code ON CONFLICT (batch_id, idx) DO NOTHING} (on
 * PostgreSQL first as one {@code COPY}, see {@link #copyOrInsert}), so the key check and the insert are one statement
 * and the update count is the number of new items. Within one write,
 * rows go in ascending index order, so two PostgreSQL transactions storing overlapping indexes never wait on each
 * other in a cycle. A write first share-locks its batch row and checks that the batch is open; {@link #trySeal}
 * and {@link #expire} change that row, so they wait for writes in flight, and a write that comes after them sees
 * the new status and stores nothing.
 *
 * <p>The seal is one conditional {@code UPDATE}: open, and as many items as {@code expectedCount}. That count
 * means complete only because every stored index is in {@code [0, expectedCount)}, which {@link #write} checks
 * before storing anything. A seal can miss by reading a count just before a concurrent write commits (it then
 * returns false); it can never seal twice or seal an incomplete batch. Whoever commits the last item and then
 * calls {@link #trySeal} seals.
 *
 * <p>Costs: {@link #counts}, {@link #trySeal} and {@link #missing} scan the batch's part of the item key — linear in
 * the items stored, without reading payloads. {@link #missing} streams the indexes and stops at the
 * {@code limit}-th gap; for a sealed batch it reads nothing.
 *
 * <p>Unknown batch ids: {@link #find} is empty, {@link #counts} is zero, {@link #items} is empty, {@link #trySeal}
 * is false; {@link #write} and {@link #missing} throw {@link IllegalArgumentException}. The {@link Database} is the
 * caller's to close.
 */
public final class JdbcBatchStore implements BatchStore {
    static final int CHUNK = 500;
    private static final String UNIQUE_VIOLATION = "23505";
    /** Batches expired per transaction round in {@link #expire}. */
    static final int EXPIRE_PAGE = 100;
    private static final int ID_CHARS = 24;
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String ITEM_COLUMNS =
            "batch_id, idx, payload, object_key, payload_bytes, error_code, error_message, created_at";
    private static final String BATCH_COLUMNS =
            "id, owner, expected_count, idempotency_key, metadata, status, created_at, sealed_at";

    private final Database db;
    private final Dialect dialect;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final String fullChunkInsert;

    public JdbcBatchStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.dialect = db.dialect();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.fullChunkInsert = insertItems(CHUNK);
    }

    @Override
    public Created create(String owner, long expectedCount, String idempotencyKey, String metadataJson) {
        if (owner == null || owner.isBlank()) {
            throw new IllegalArgumentException("owner must not be blank, was '" + owner + "'");
        }
        if (expectedCount < 1) {
            throw new IllegalArgumentException("expectedCount must be >= 1, was " + expectedCount);
        }
        String id = newId();
        long now = clock.epochMillis();
        // ON CONFLICT names only the (owner, idempotency_key) key: NULL keys never conflict, and a concurrent create
        // with the same key makes this statement wait for it and then do nothing, so the select below finds it.
        String insert = "INSERT INTO sluice_batches (" + BATCH_COLUMNS + ") VALUES (?, ?, ?, ?, "
                + dialect.jsonBind() + ", ?, ?, NULL) ON CONFLICT (owner, idempotency_key) DO NOTHING";
        try (Connection c = db.dataSource().getConnection()) {
            int inserted;
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                ps.setString(1, id);
                ps.setString(2, owner);
                ps.setLong(3, expectedCount);
                ps.setString(4, idempotencyKey);
                ps.setString(5, metadataJson);
                ps.setString(6, Batch.Status.OPEN.wire());
                dialect.bindInstant(ps, 7, now);
                inserted = ps.executeUpdate();
            }
            if (inserted == 1) {
                return new Created(read(c, id).orElseThrow(), true);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + BATCH_COLUMNS + " FROM sluice_batches WHERE owner = ? AND idempotency_key = ?")) {
                ps.setString(1, owner);
                ps.setString(2, idempotencyKey);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new StoreException("create of a batch for owner '" + owner + "' with idempotency key '"
                                + idempotencyKey + "' conflicted, but no such batch exists");
                    }
                    return new Created(batch(rs), false);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot create a batch for owner '" + owner + "' (idempotency key "
                    + (idempotencyKey == null ? "none" : "'" + idempotencyKey + "'") + "): " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Batch> find(String id) {
        try (Connection c = db.dataSource().getConnection()) {
            return read(c, id);
        } catch (SQLException e) {
            throw new StoreException("cannot read batch " + id + ": " + e.getMessage(), e);
        }
    }

    private Optional<Batch> read(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + BATCH_COLUMNS + " FROM sluice_batches WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(batch(rs)) : Optional.empty();
            }
        }
    }

    private Batch batch(ResultSet rs) throws SQLException {
        rs.getObject("sealed_at");
        boolean sealed = !rs.wasNull();
        return new Batch(rs.getString("id"), rs.getString("owner"), rs.getLong("expected_count"),
                rs.getString("idempotency_key"), rs.getString("metadata"),
                Instant.ofEpochMilli(dialect.readInstant(rs, "created_at")), status(rs.getString("status")),
                sealed ? Instant.ofEpochMilli(dialect.readInstant(rs, "sealed_at")) : null);
    }

    private static Batch.Status status(String wire) {
        return Batch.Status.valueOf(wire.toUpperCase(Locale.ROOT));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Indexes repeated within {@code items} keep their first occurrence; the others count as deduplicated.
     *
     * @throws IllegalArgumentException if the batch does not exist or an index is not below its expected count;
     *                                  nothing of this call is stored
     * @throws IllegalStateException    if the batch is sealed or expired; nothing of this call is stored
     */
    @Override
    public WriteResult write(String batchId, List<ItemRecord> items) {
        if (items.isEmpty()) {
            return new WriteResult(0, 0);
        }
        NavigableMap<Long, ItemRecord> byIndex = new TreeMap<>();
        for (ItemRecord item : items) {
            byIndex.putIfAbsent(item.index(), item);
        }
        List<ItemRecord> rows = new ArrayList<>(byIndex.values());
        long now = clock.epochMillis();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                long expected = lockOpen(c, batchId);
                if (byIndex.lastKey() >= expected) {
                    throw new IllegalArgumentException("index " + byIndex.lastKey() + " is out of range for batch "
                            + batchId + ": its indexes are 0 to " + (expected - 1));
                }
                int accepted = insert(c, batchId, rows, now);
                c.commit();
                return new WriteResult(accepted, items.size() - accepted);
            } catch (SQLException | RuntimeException e) {
                Transactions.rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("write of " + items.size() + " items to batch " + batchId
                    + " failed (nothing of it was stored): " + e.getMessage(), e);
        }
    }

    /** Share-locks the batch row for this transaction and returns its expected count if it is open. */
    private long lockOpen(Connection c, String batchId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT status, expected_count FROM sluice_batches WHERE id = ?" + dialect.forShare())) {
            ps.setString(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no batch " + batchId);
                }
                Batch.Status status = status(rs.getString(1));
                if (status != Batch.Status.OPEN) {
                    throw new IllegalStateException("batch " + batchId + " is " + status.wire()
                            + ", so it takes no more items");
                }
                return rs.getLong(2);
            }
        }
    }

    private int insert(Connection c, String batchId, List<ItemRecord> rows, long now) throws SQLException {
        if (dialect.kind() == DatabaseUrl.Kind.POSTGRESQL) {
            return copyOrInsert(c, batchId, rows, now);
        }
        int accepted = 0;
        PreparedStatement full = null;
        try {
            for (int from = 0; from < rows.size(); from += CHUNK) {
                List<ItemRecord> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
                if (chunk.size() == CHUNK) {
                    if (full == null) {
                        full = c.prepareStatement(fullChunkInsert);
                    }
                    bind(full, batchId, chunk, now);
                    accepted += full.executeUpdate();
                } else {
                    try (PreparedStatement ps = c.prepareStatement(insertItems(chunk.size()))) {
                        bind(ps, batchId, chunk, now);
                        accepted += ps.executeUpdate();
                    }
                }
            }
        } finally {
            if (full != null) {
                full.close();
            }
        }
        return accepted;
    }

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
    private int copyOrInsert(Connection c, String batchId, List<ItemRecord> rows, long now) throws SQLException {
        Savepoint beforeCopy = c.setSavepoint();
        try {
            long copied = copy(c, batchId, rows, now);
            c.releaseSavepoint(beforeCopy);
            return Math.toIntExact(copied);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(beforeCopy);
            return insertUnnest(c, batchId, rows, now);
        }
    }

    private static long copy(Connection c, String batchId, List<ItemRecord> rows, long now) throws SQLException {
        byte[] id = batchId.getBytes(StandardCharsets.UTF_8);
        byte[] created = OffsetDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC).toString()
                .getBytes(StandardCharsets.US_ASCII);
        return CopyText.copyIn(c, "COPY sluice_batch_items (" + ITEM_COLUMNS + ") FROM STDIN", rows, (out, r) ->
                out.field(id, 0, id.length).tab().number(r.index()).tab().field(r.payload()).tab()
                        .field(r.objectKey()).tab().number(r.payloadBytes()).tab().field(r.errorCode()).tab()
                        .field(r.errorMessage()).tab().field(created, 0, created.length).newline());
    }

    /**
     * PostgreSQL, when some of the group's indexes are stored already: the whole group in one statement, one array
     * per column. Measured by {@code sluice bench ingest}:
     * multi-row {@code VALUES} with 4,000 binds per statement ran at ~45k rows/s, bounded by planning and binding;
     * {@code unnest} of arrays avoids both.
     */
    private int insertUnnest(Connection c, String batchId, List<ItemRecord> rows, long now) throws SQLException {
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
        String sql = "INSERT INTO sluice_batch_items (" + ITEM_COLUMNS + ") SELECT ?::text, u.idx, u.payload, u.object_key,"
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

    private static String insertItems(int rows) {
        String row = "(?, ?, ?, ?, ?, ?, ?, ?)";
        StringBuilder sb = new StringBuilder(128 + rows * (row.length() + 2))
                .append("INSERT INTO sluice_batch_items (").append(ITEM_COLUMNS).append(") VALUES ");
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(row);
        }
        return sb.append(" ON CONFLICT (batch_id, idx) DO NOTHING").toString();
    }

    private void bind(PreparedStatement ps, String batchId, List<ItemRecord> chunk, long now) throws SQLException {
        int i = 1;
        for (ItemRecord r : chunk) {
            ps.setString(i++, batchId);
            ps.setLong(i++, r.index());
            ps.setString(i++, r.payload());
            ps.setString(i++, r.objectKey());
            ps.setLong(i++, r.payloadBytes());
            ps.setString(i++, r.errorCode());
            ps.setString(i++, r.errorMessage());
            dialect.bindInstant(ps, i++, now);
        }
    }

    @Override
    public Counts counts(String batchId) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT COUNT(*), COUNT(error_code) FROM sluice_batch_items WHERE batch_id = ?")) {
            ps.setString(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long all = rs.getLong(1);
                long failed = rs.getLong(2);
                return new Counts(all - failed, failed);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot count the items of batch " + batchId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean trySeal(String batchId) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE sluice_batches SET status = ?, sealed_at = ? WHERE id = ? AND status = ?"
                             + " AND (SELECT COUNT(*) FROM sluice_batch_items WHERE batch_id = ?) = expected_count")) {
            ps.setString(1, Batch.Status.SEALED.wire());
            dialect.bindInstant(ps, 2, clock.epochMillis());
            ps.setString(3, batchId);
            ps.setString(4, Batch.Status.OPEN.wire());
            ps.setString(5, batchId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot seal batch " + batchId + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Streams the stored indexes in order and stops at the {@code limit}-th gap; the gap after the last stored
     * index up to {@code expectedCount} is included. A sealed batch has none, and costs one row read.
     *
     * @throws IllegalArgumentException if the batch does not exist or {@code limit < 1}
     */
    @Override
    public List<IndexRanges.Range> missing(String batchId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        try (Connection c = db.dataSource().getConnection()) {
            Batch batch = read(c, batchId).orElseThrow(() -> new IllegalArgumentException("no batch " + batchId));
            List<IndexRanges.Range> out = new ArrayList<>();
            if (batch.sealed()) {
                return out;
            }
            long expected = batch.expectedCount();
            // PostgreSQL streams a result set through a cursor only inside a transaction; without one it would
            // load every index of the batch at once.
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT idx FROM sluice_batch_items WHERE batch_id = ? ORDER BY idx")) {
                ps.setFetchSize(1000);
                ps.setString(1, batchId);
                try (ResultSet rs = ps.executeQuery()) {
                    long next = 0;
                    while (out.size() < limit && rs.next()) {
                        long idx = rs.getLong(1);
                        if (idx > next) {
                            out.add(new IndexRanges.Range(next, Math.min(idx, expected)));
                        }
                        next = idx + 1;
                        if (next >= expected) {
                            break;
                        }
                    }
                    if (out.size() < limit && next < expected) {
                        out.add(new IndexRanges.Range(next, expected));
                    }
                }
            } finally {
                c.rollback();
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot list the missing indexes of batch " + batchId + ": " + e.getMessage(),
                    e);
        }
    }

    /** @throws IllegalArgumentException if {@code limit < 1} */
    @Override
    public List<ItemRecord> items(String batchId, long after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT idx, payload, object_key, payload_bytes, error_code,"
                     + " error_message FROM sluice_batch_items WHERE batch_id = ? AND idx > ? ORDER BY idx LIMIT ?")) {
            ps.setString(1, batchId);
            ps.setLong(2, after);
            ps.setInt(3, limit);
            List<ItemRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ItemRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read the items of batch " + batchId + " after index " + after + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Each batch is expired in its own transaction: the status change waits for writes in flight (they hold a
     * share lock on the batch row), and only a batch still open at that moment loses its items, so a batch that
     * seals meanwhile is kept.
     */
    @Override
    public Expired expire(Instant createdBefore) {
        List<String> keys = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        String current = null;
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                for (List<String> ids = expiredCandidates(c, createdBefore); !ids.isEmpty();
                        ids = expiredCandidates(c, createdBefore)) {
                    for (String id : ids) {
                        current = id;
                        List<String> batchKeys = expireOne(c, id);
                        c.commit();
                        if (batchKeys != null) {
                            expired.add(id);
                            keys.addAll(batchKeys);
                        }
                    }
                    current = null;
                }
                return new Expired(expired, keys);
            } catch (SQLException | RuntimeException e) {
                Transactions.rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("expiry of batches created before " + createdBefore + " failed"
                    + (current == null ? "" : " at batch " + current + " (its items are kept)")
                    + "; batches already expired: " + expired + ", their object keys: " + keys + ": " + e.getMessage(),
                    e);
        }
    }

    /** Up to {@value #EXPIRE_PAGE} open batches created before the instant, oldest first; ends the transaction. */
    private List<String> expiredCandidates(Connection c, Instant createdBefore) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM sluice_batches WHERE status = ?"
                + " AND created_at < ? ORDER BY created_at LIMIT " + EXPIRE_PAGE)) {
            ps.setString(1, Batch.Status.OPEN.wire());
            dialect.bindInstant(ps, 2, createdBefore.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        c.commit();
        return ids;
    }

    /**
     * Expires one batch if it is still open, in the caller's transaction; returns its items' object keys, or
     * {@code null} if it was not open any more.
     */
    private List<String> expireOne(Connection c, String id) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE sluice_batches SET status = ? WHERE id = ? AND status = ?")) {
            ps.setString(1, Batch.Status.EXPIRED.wire());
            ps.setString(2, id);
            ps.setString(3, Batch.Status.OPEN.wire());
            if (ps.executeUpdate() == 0) {
                return null; // sealed since it was listed
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT object_key FROM sluice_batch_items"
                + " WHERE batch_id = ? AND object_key IS NOT NULL ORDER BY idx")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sluice_batch_items WHERE batch_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        return keys;
    }

    private String newId() {
        char[] chars = new char[ID_CHARS];
        for (int i = 0; i < ID_CHARS; i++) {
            chars[i] = BASE62.charAt(random.nextInt(BASE62.length()));
        }
        return "batch_" + new String(chars);
    }
}
