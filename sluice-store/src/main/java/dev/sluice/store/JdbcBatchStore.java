package dev.sluice.store;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore;
import dev.sluice.ingest.IndexRanges;
import dev.sluice.ingest.ItemRecord;
import dev.sluice.store.internal.BatchExpiryRows;
import dev.sluice.store.internal.Dialect;
import dev.sluice.store.internal.ItemInsert;
import dev.sluice.store.internal.Transactions;
import dev.sluice.time.Clock;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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
 * <p>Exactly once per index: {@link #write} inserts through the dialect's {@link ItemInsert} ({@code ON CONFLICT
 * (batch_id, idx) DO NOTHING}; on PostgreSQL first as one {@code COPY}), so the key check and the insert are one
 * statement and the count is the number of new items. Within one write, rows go in ascending index order, so two
 * PostgreSQL transactions storing overlapping indexes never wait on each other in a cycle. A write first
 * share-locks its batch row and checks that the batch is open; {@link #trySeal} and {@link #expire} change that
 * row, so they wait for writes in flight, and a write that comes after them sees the new status, stores nothing and
 * answers {@link Closed}.
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
    /** Batches expired per transaction round in {@link #expire}. */
    static final int EXPIRE_PAGE = 100;
    private static final int ID_CHARS = 24;
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String BATCH_COLUMNS =
            "id, owner, expected_count, idempotency_key, metadata, status, created_at, sealed_at";

    private final Database db;
    private final Dialect dialect;
    private final Clock clock;
    private final BatchExpiryRows expiry;
    private final SecureRandom random = new SecureRandom();

    public JdbcBatchStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.dialect = db.dialect();
        this.expiry = new BatchExpiryRows(dialect);
        this.clock = Objects.requireNonNull(clock, "clock");
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
     */
    @Override
    public WriteResult write(String batchId, List<ItemRecord> items) {
        if (items.isEmpty()) {
            return new Written(0, 0);
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
                Locked batch = lock(c, batchId);
                if (batch.status() != Batch.Status.OPEN) {
                    c.rollback();
                    return new Closed(batch.status());
                }
                if (byIndex.lastKey() >= batch.expectedCount()) {
                    throw new IllegalArgumentException("index " + byIndex.lastKey() + " is out of range for batch "
                            + batchId + ": its indexes are 0 to " + (batch.expectedCount() - 1));
                }
                int accepted = dialect.itemInsert().insert(c, batchId, rows, now);
                c.commit();
                return new Written(accepted, items.size() - accepted);
            } catch (SQLException | RuntimeException e) {
                Transactions.rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("write of " + items.size() + " items to batch " + batchId
                    + " failed (nothing of it was stored): " + e.getMessage(), e);
        }
    }

    /** What {@link #lock} read of a batch row. */
    private record Locked(Batch.Status status, long expectedCount) {
    }

    /** Share-locks the batch row for this transaction and reads its status and expected count. */
    private Locked lock(Connection c, String batchId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT status, expected_count FROM sluice_batches WHERE id = ?" + dialect.forShare())) {
            ps.setString(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no batch " + batchId);
                }
                return new Locked(status(rs.getString(1)), rs.getLong(2));
            }
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
    /** A lost connection, a server shutting down or starting, a deadlock: see {@link DatabaseFailure}. */
    @Override
    public boolean isUnavailable(Throwable failure) {
        return DatabaseFailure.isTransient(failure);
    }

    @Override
    public Expired expire(Instant createdBefore) {
        List<String> keys = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        String current = null;
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                for (List<String> ids = expiry.candidates(c, createdBefore, EXPIRE_PAGE); !ids.isEmpty();
                        ids = expiry.candidates(c, createdBefore, EXPIRE_PAGE)) {
                    for (String id : ids) {
                        current = id;
                        List<String> batchKeys = expiry.expireOne(c, id);
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

    private String newId() {
        char[] chars = new char[ID_CHARS];
        for (int i = 0; i < ID_CHARS; i++) {
            chars[i] = BASE62.charAt(random.nextInt(BASE62.length()));
        }
        return "batch_" + new String(chars);
    }
}
