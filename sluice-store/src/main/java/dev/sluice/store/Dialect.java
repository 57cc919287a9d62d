package dev.sluice.store;

import dev.sluice.store.internal.PostgresDialect;
import dev.sluice.store.internal.SqliteDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one place where SQLite and PostgreSQL differ for Sluice: where a stream's table lives, how JSON and instants
 * are stored and bound, and how to serialise DDL between processes. Everything else is plain SQL both accept.
 *
 * <p>Namespace and stream names become SQL identifiers, so every method that takes one checks it against
 * {@code [a-z][a-z0-9_]{0,62}} first.
 */
public interface Dialect {
    Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    static Dialect of(DatabaseUrl.Kind kind) {
        return switch (kind) {
            case SQLITE -> SqliteDialect.INSTANCE;
            case POSTGRESQL -> PostgresDialect.INSTANCE;
        };
    }

    /**
     * Returns {@code name} if it is a safe identifier part.
     *
     * @param what what the name is ("namespace", "stream"), for the error message
     * @throws IllegalArgumentException naming the bad name and the allowed pattern
     */
    static String checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name + "' is not allowed: it must match "
                    + NAME.pattern() + " (lower-case letter, then up to 62 lower-case letters, digits or '_')");
        }
        return name;
    }

    DatabaseUrl.Kind kind();

    /** The quoted, possibly schema-qualified name of the table holding {@code namespace.stream}. */
    String tableName(String namespace, String stream);

    /** DDL creating the table of {@code namespace.stream} and its index on {@code created}, if absent. */
    List<String> createStreamTable(String namespace, String stream);

    /** Whether the table of {@code namespace.stream} exists. */
    boolean tableExists(Connection c, String namespace, String stream) throws SQLException;

    /** Column type of JSON documents. */
    String jsonType();

    /** Bind placeholder for a JSON document given as text. */
    String jsonBind();

    /** Column type of an instant; see {@link #bindInstant} and {@link #readInstant}. */
    String instantType();

    /** Column type of a flag. */
    String booleanType();

    void bindInstant(PreparedStatement ps, int index, long epochMillis) throws SQLException;

    long readInstant(ResultSet rs, String column) throws SQLException;

    /**
     * The clause ending a {@code SELECT} that share-locks the rows it reads until the transaction ends, so a
     * concurrent {@code UPDATE} of them waits (and they wait for one). Empty where a write transaction already
     * excludes every other writer (SQLite, with immediate transactions).
     */
    String forShare();

    /**
     * A statement to run first in a DDL or migration transaction, so concurrent processes apply DDL one at a time.
     * Empty where the database already serialises writers (SQLite, with immediate transactions).
     */
    Optional<String> ddlLock();

    /**
     * A multi-row upsert of {@code rows} records {@code (id, created, version, data, synced_at)} into the table of
     * {@code namespace.stream}: a row is replaced only by a strictly newer version. PostgreSQL rejects a statement
     * that touches one id twice, so the caller passes distinct ids.
     */
    default String upsertRecords(String namespace, String stream, int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be at least 1, was " + rows);
        }
        String row = "(?, ?, ?, " + jsonBind() + ", ?)";
        StringBuilder sb = new StringBuilder(64 + rows * (row.length() + 2))
                .append("INSERT INTO ").append(tableName(namespace, stream))
                .append(" AS t (id, created, version, data, synced_at) VALUES ");
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(row);
        }
        return sb.append(" ON CONFLICT (id) DO UPDATE SET created = excluded.created, version = excluded.version,")
                .append(" data = excluded.data, synced_at = excluded.synced_at")
                .append(" WHERE t.version < excluded.version")
                .toString();
    }
}
