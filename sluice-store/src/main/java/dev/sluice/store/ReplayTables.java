package dev.sluice.store;

import dev.sluice.replay.Event;
import dev.sluice.store.internal.Dialect;
import dev.sluice.store.internal.ReplayBatch;
import dev.sluice.store.internal.ReplaySchema;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What the replay tables hold, read back (for tests, the benchmark and status), and what they should hold after a
 * given set of events: {@link #finalRows} and {@link #expectedDigest}.
 *
 * <p>Lists are ordered by key, keys compared as UTF-8 bytes (the tables' own order: SQLite {@code BINARY},
 * PostgreSQL {@code COLLATE "C"}). A database that never replayed has no replay tables; it reads as empty.
 * {@code record} comes back as the database stores it: on PostgreSQL that is {@code jsonb}'s normalised text
 * (keys reordered, spaces added), so compare records as JSON, not as strings.
 *
 * <p><b>Digest definition</b> (keep {@link #digest} and {@link #expectedDigest} identical): the live rows in key
 * order, each as UTF-8 {@code did \t collection \t rkey \t rev \t cid \n} (an absent cid as the empty string),
 * hashed with SHA-256, lowercase hex. The record body is left out — jsonb rewrites it — and the cid stands for it.
 */
public final class ReplayTables {
    /** One row of {@code records}: a live record. */
    public record StoredRecord(String did, String collection, String rkey, String cid, String rev, String recordJson,
                               long timeUs) {
    }

    /** One row of {@code record_tombstones}: the newest delete seen of a key. */
    public record Tombstone(String did, String collection, String rkey, String rev, long timeUs) {
    }

    /** One row of {@code identities}. */
    public record StoredIdentity(String did, String handle, long seq, String time, long timeUs) {
    }

    /** One row of {@code accounts}. */
    public record StoredAccount(String did, boolean active, String status, long seq, String time, long timeUs) {
    }

    private ReplayTables() {
    }

    /** Every live record, in key order. */
    public static List<StoredRecord> records(Database db) {
        return read(db, "SELECT did, collection, rkey, cid, rev, record, time_us FROM " + ReplaySchema.RECORDS
                + " ORDER BY did, collection, rkey", rs -> new StoredRecord(rs.getString(1), rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getLong(7)));
    }

    /** Every tombstone, in key order. */
    public static List<Tombstone> tombstones(Database db) {
        return read(db, "SELECT did, collection, rkey, rev, time_us FROM " + ReplaySchema.TOMBSTONES
                + " ORDER BY did, collection, rkey", rs -> new Tombstone(rs.getString(1), rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getLong(5)));
    }

    /** Every identity row, in DID order. */
    public static List<StoredIdentity> identities(Database db) {
        return read(db, "SELECT did, handle, seq, time, time_us FROM " + ReplaySchema.IDENTITIES + " ORDER BY did",
                rs -> new StoredIdentity(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        rs.getLong(5)));
    }

    /** Every account row, in DID order. */
    public static List<StoredAccount> accounts(Database db) {
        return read(db, "SELECT did, active, status, seq, time, time_us FROM " + ReplaySchema.ACCOUNTS
                + " ORDER BY did", rs -> new StoredAccount(rs.getString(1), rs.getBoolean(2), rs.getString(3),
                rs.getLong(4), rs.getString(5), rs.getLong(6)));
    }

    /**
     * What a complete replay of {@code events}, in any order and batching, leaves in {@code records}: per key the
     * commit with the greatest rev (on equal revs the later one), keys whose newest commit is a delete left out; in
     * key order. Holds every event in memory.
     */
    public static List<Event> finalRows(Iterable<Event> events) {
        List<Event> all = new ArrayList<>();
        for (Event e : events) {
            if (e.kind() == Event.Kind.COMMIT) {
                all.add(e);
            }
        }
        return ReplayBatch.of(all).upserts();
    }

    /** The digest of {@code records}, by the definition in the class comment; streamed, not held in memory. */
    public static TableDigest.Digest digest(Database db) {
        MessageDigest sha = sha256();
        long[] count = {0};
        StringBuilder line = new StringBuilder(128);
        read(db, "SELECT did, collection, rkey, rev, cid FROM " + ReplaySchema.RECORDS
                + " ORDER BY did, collection, rkey", rs -> {
                    line.setLength(0);
                    appendLine(line, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5));
                    sha.update(line.toString().getBytes(StandardCharsets.UTF_8));
                    count[0]++;
                    return null;
                });
        return new TableDigest.Digest(count[0], HexFormat.of().formatHex(sha.digest()));
    }

    /** The digest {@link #digest} must give after every one of {@code events} is applied (see {@link #finalRows}). */
    public static TableDigest.Digest expectedDigest(Iterable<Event> events) {
        MessageDigest sha = sha256();
        List<Event> rows = finalRows(events);
        StringBuilder line = new StringBuilder(128);
        for (Event e : rows) {
            line.setLength(0);
            appendLine(line, e.did(), e.commit().collection(), e.commit().rkey(), e.commit().rev(), e.commit().cid());
            sha.update(line.toString().getBytes(StandardCharsets.UTF_8));
        }
        return new TableDigest.Digest(rows.size(), HexFormat.of().formatHex(sha.digest()));
    }

    private static void appendLine(StringBuilder sb, String did, String collection, String rkey, String rev,
            String cid) {
        sb.append(did).append('\t').append(collection).append('\t').append(rkey).append('\t').append(rev)
                .append('\t').append(cid == null ? "" : cid).append('\n');
    }

    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static <T> List<T> read(Database db, String sql, RowReader<T> reader) {
        Dialect dialect = db.dialect();
        List<T> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection()) {
            if (!ReplaySchema.exists(c, dialect)) {
                return out;
            }
            return dialect.streaming(c, () -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setFetchSize(10_000);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            T row = reader.read(rs);
                            if (row != null) {
                                out.add(row);
                            }
                        }
                    }
                }
                return out;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot read the replay tables: " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
