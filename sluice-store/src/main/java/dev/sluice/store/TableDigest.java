package dev.sluice.store;

import dev.sluice.store.internal.Dialect;
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
import java.util.Map;
import java.util.TreeMap;

/**
 * A fingerprint of which ids a stream's table holds alive (deleted rows left out), to compare a sink against its
 * source.
 *
 * <p>Definition (must stay identical to the simulator's): the ids, sorted by {@link String#compareTo} (UTF-16 code
 * units — never SQL collation, which differs between databases and locales), each encoded as UTF-8 and followed
 * by {@code "\n"}, hashed with SHA-256, written as lowercase hex. An empty table digests to the SHA-256 of nothing.
 * Versions and payloads are not part of it.
 */
public final class TableDigest {
    /** How many ids, and the SHA-256 over them as defined above. */
    public record Digest(long count, String sha256) {
    }

    private TableDigest() {
    }

    /** The digest of a list of ids, by the definition above; {@code ids} is not modified. */
    public static Digest of(List<String> ids) {
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(String::compareTo);
        MessageDigest sha = sha256();
        for (String id : sorted) {
            sha.update(id.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }
        return new Digest(sorted.size(), HexFormat.of().formatHex(sha.digest()));
    }

    /**
     * The digest of the live rows (not deleted) of the table of {@code namespace.stream}.
     *
     * @throws StoreException if the table does not exist or cannot be read
     */
    public static Digest digest(Database db, String namespace, String stream) {
        return of(new ArrayList<>(scan(db, namespace, stream, false).keySet()));
    }

    /**
     * The live rows of the table of {@code namespace.stream}, id → {@code data} as the database gives it back
     * (PostgreSQL's jsonb in its own key order), for a checker that compares state, not just ids.
     *
     * @throws StoreException if the table does not exist or cannot be read
     */
    public static Map<String, String> liveData(Database db, String namespace, String stream) {
        return scan(db, namespace, stream, true);
    }

    private static Map<String, String> scan(Database db, String namespace, String stream, boolean withData) {
        Dialect dialect = db.dialect();
        String table = dialect.tableName(namespace, stream);
        try (Connection c = db.dataSource().getConnection()) {
            if (!dialect.tableExists(c, namespace, stream)) {
                throw new StoreException("cannot digest " + namespace + "." + stream + ": table " + table
                        + " does not exist");
            }
            return dialect.streaming(c, () -> {
                Map<String, String> out = new TreeMap<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id" + (withData ? ", data" : "") + " FROM "
                        + table + " WHERE NOT deleted")) {
                    ps.setFetchSize(10_000);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getString(1), withData ? rs.getString(2) : "");
                        }
                    }
                }
                return out;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot digest table " + table + ": " + e.getMessage(), e);
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
