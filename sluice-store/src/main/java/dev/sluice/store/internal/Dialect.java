package dev.sluice.store.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.store.DatabaseUrl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The one place where SQLite and PostgreSQL differ for Sluice: how a pool connects, where a stream's table lives,
 * how JSON, instants and byte-ordered keys are stored and bound, how a scan streams, how to serialise DDL between
 * processes, and the statements that are fastest on each ({@link #itemInsert}, {@link #replayStatements}).
 * Everything else is plain SQL both accept. Code outside the dialects never asks which database it is on.
 *
 * <p>Namespace and stream names become SQL identifiers, so every method that takes one checks it against
 * {@code [a-z][a-z0-9_]{0,62}} first.
 */
public interface Dialect {
    Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

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

    /**
     * Sets the pool's size and connection settings for {@code url} (whose URL and credentials are set already).
     *
     * @param maxConnections the caller's cap; a database with one writer may use fewer
     * @throws RuntimeException (a {@code StoreException}) if a place the database needs cannot be made (an SQLite
     *         file's directory)
     */
    void configurePool(HikariConfig config, DatabaseUrl url, int maxConnections);

    /**
     * What failing to reach {@code url} is, for the start of a message: opening a file, or connecting to a server
     * ("cannot open the SQLite file /data/sluice.db", "cannot connect to postgresql://…").
     */
    String cannotReach(DatabaseUrl url);

    /** Runs once on a new pool, before migrations: settings kept in the database itself (SQLite's WAL journal). */
    void prepare(HikariDataSource pool, DatabaseUrl url);

    /**
     * Connection properties (besides user and password) for a connection of its own, outside every pool, such as
     * the replay canary's: named {@code applicationName} where the database shows names to other sessions, waiting
     * at most {@code timeoutSeconds} to connect or for a lock.
     *
     * @throws SQLException if connecting would create the database rather than open it (an SQLite file not there)
     */
    Properties soloConnection(DatabaseUrl url, String applicationName, int timeoutSeconds) throws SQLException;

    /**
     * A query counting the other sessions of this database that wait on a lock, leaving out its own session and
     * those whose application name starts with {@code ownPrefix}; empty where the database cannot tell (SQLite:
     * readers do not queue behind the writer under WAL).
     */
    Optional<String> lockWaitersQuery(String ownPrefix);

    /** The quoted, possibly schema-qualified name of the table holding {@code namespace.stream}. */
    String tableName(String namespace, String stream);

    /**
     * DDL creating the table of {@code namespace.stream} and its index on {@code created}, if absent. Columns:
     * {@code id} (primary key), {@code created}, {@code version}, {@code data}, {@code synced_at}, {@code deleted}.
     */
    List<String> createStreamTable(String namespace, String stream);

    /** Whether the table of {@code namespace.stream} has {@code column}. */
    boolean hasColumn(Connection c, String namespace, String stream, String column) throws SQLException;

    /**
     * DDL adding the {@code deleted} flag (false for every row) to a stream table made before it existed. Both
     * databases add a column with a constant default without rewriting the table.
     */
    default String addDeletedColumn(String namespace, String stream) {
        return "ALTER TABLE " + tableName(namespace, stream) + " ADD COLUMN deleted " + booleanType()
                + " NOT NULL DEFAULT " + falseLiteral();
    }

    /** Whether the table of {@code namespace.stream} exists. */
    boolean tableExists(Connection c, String namespace, String stream) throws SQLException;

    /** Whether the table {@code table} (a plain name, in the default schema) exists. */
    boolean tableExists(Connection c, String table) throws SQLException;

    /** Column type of JSON documents. */
    String jsonType();

    /** Bind placeholder for a JSON document given as text. */
    String jsonBind();

    /** Column type of an instant; see {@link #bindInstant} and {@link #readInstant}. */
    String instantType();

    /** Column type of a flag. */
    String booleanType();

    /** How false is written in a flag column ({@code 0}, {@code false}). */
    String falseLiteral();

    /**
     * Column type of text compared as UTF-8 bytes (keys, and revs that compare as the bytes do), whatever the
     * database's locale.
     */
    String byteOrderedTextType();

    void bindInstant(PreparedStatement ps, int index, long epochMillis) throws SQLException;

    long readInstant(ResultSet rs, String column) throws SQLException;

    /**
     * The clause ending a {@code SELECT} that share-locks the rows it reads until the transaction ends, so a
     * concurrent {@code UPDATE} of them waits (and they wait for one). Empty where a write transaction already
     * excludes every other writer (SQLite, with immediate transactions).
     */
    String forShare();

    /**
     * Locks the objects named by {@code keys} ({@code namespace.stream/id}) until the transaction ends, present or
     * not, so two transactions applying changes to one object — a webhook and a poll — run one after the other.
     * Nothing to do where a write transaction already excludes every other writer (SQLite, with immediate
     * transactions).
     */
    void lockObjects(Connection c, Collection<String> keys) throws SQLException;

    /**
     * A statement to run first in a DDL or migration transaction, so concurrent processes apply DDL one at a time.
     * Empty where the database already serialises writers (SQLite, with immediate transactions).
     */
    Optional<String> ddlLock();

    /** Work on a connection that may throw {@link SQLException}. */
    interface SqlWork<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code scan} on {@code c} so that the result sets it reads stream from the database instead of being
     * loaded whole (with a fetch size set): PostgreSQL's driver uses a cursor only inside a transaction, which is
     * opened and rolled back around {@code scan}; SQLite streams anyway, and there a transaction (immediate) would take
     * the write lock for the scan, so {@code scan} runs in auto-commit.
     * {@code c} is in auto-commit afterwards.
     */
    <T> T streaming(Connection c, SqlWork<T> scan) throws SQLException;

    /** How a group of batch items is inserted, each index at most once. */
    ItemInsert itemInsert();

    /** The statements that apply a replay batch; one set per sink (it may cache statement text). */
    ReplayStatements replayStatements();

    /**
     * A multi-row upsert of {@code rows} records {@code (id, created, version, data, synced_at)} into the table of
     * {@code namespace.stream}: a row is replaced only by a strictly newer version, and a deleted row never (a list
     * page does not bring a deleted object back). PostgreSQL rejects a statement that touches one id twice, so the
     * caller passes distinct ids.
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
                .append(" WHERE t.version < excluded.version AND NOT t.deleted")
                .toString();
    }
}
