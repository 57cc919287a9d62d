package dev.sluice.store.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.DatabaseFailure;
import dev.sluice.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * SQLite: one file, no schemas, so a stream's table is {@code "<namespace>_<stream>"}. JSON is stored as the text
 * received; instants as epoch milliseconds; {@code TEXT} already compares as bytes ({@code BINARY}).
 *
 * <p>A pool of one connection — SQLite has one writer at a time, and one connection avoids {@code SQLITE_BUSY}
 * between our own threads — with WAL journaling, {@code synchronous=NORMAL}, a 10 s busy timeout, foreign keys on,
 * and immediate transactions (the write lock is taken at {@code BEGIN}, so a transaction never fails half-way
 * upgrading a read lock).
 *
 * <p>NOTE: {@code ("a_b", "c")} and {@code ("a", "b_c")} map to the same table; namespaces are expected to be
 * few and fixed (one per source), so this is accepted rather than escaped.
 */
final class SqliteDialect implements Dialect {
    static final SqliteDialect INSTANCE = new SqliteDialect();
    private static final Duration WAL_SWITCH_PATIENCE = Duration.ofSeconds(10);

    private final ItemInsert itemInsert = new SqliteItemInsert(this);

    private SqliteDialect() {
    }

    @Override
    public String cannotReach(DatabaseUrl url) {
        return "cannot open the SQLite file " + url.file().orElseThrow();
    }

    @Override
    public void configurePool(HikariConfig config, DatabaseUrl url, int maxConnections) {
        Path file = url.file().orElseThrow();
        try {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "a file is in the way"
                    : DatabaseFailure.describe(e);
            throw new StoreException("cannot create the directory " + file.getParent() + " for the SQLite file: "
                    + why, e);
        }
        config.setMaximumPoolSize(1);
        // NOTE: journal_mode=WAL is not set here: sqlite-jdbc applies it with the connection's pragmas,
        // where switching the file to WAL needs a lock before busy_timeout is in force, so two processes
        // opening one fresh file at once failed with SQLITE_BUSY. It is switched in prepare instead.
        config.addDataSourceProperty("synchronous", "NORMAL");
        config.addDataSourceProperty("busy_timeout", "10000");
        config.addDataSourceProperty("foreign_keys", "true");
        config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    }

    /**
     * Switches the file to WAL (persistent in the file) on an open connection. Changing the journal mode takes an
     * exclusive lock for which SQLite does not always call the busy handler, so a concurrent opener can get
     * {@code SQLITE_BUSY} at once; it is retried here for as long as the busy timeout would have waited.
     */
    @Override
    public void prepare(HikariDataSource pool, DatabaseUrl url) {
        long deadline = System.nanoTime() + WAL_SWITCH_PATIENCE.toNanos();
        long backoffMillis = 5;
        while (true) {
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                    if (rs.next() && "wal".equalsIgnoreCase(rs.getString(1))) {
                        return;
                    }
                }
                st.execute("PRAGMA journal_mode=WAL");
                return;
            } catch (SQLException e) {
                boolean busy = e.getMessage() != null && e.getMessage().contains("SQLITE_BUSY");
                if (!busy || System.nanoTime() > deadline) {
                    throw new StoreException("cannot switch " + url + " to WAL journaling: " + e.getMessage(), e);
                }
            }
            try {
                Thread.sleep(backoffMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while switching " + url + " to WAL journaling", e);
            }
            backoffMillis = Math.min(backoffMillis * 2, 200);
        }
    }

    @Override
    public Properties soloConnection(DatabaseUrl url, String applicationName, int timeoutSeconds)
            throws SQLException {
        Path file = url.file().orElseThrow();
        if (!Files.exists(file)) {
            // Connecting would create an empty database, not open the one the caller means.
            throw new SQLException("no SQLite database at " + file);
        }
        Properties props = new Properties();
        props.setProperty("busy_timeout", String.valueOf(timeoutSeconds * 1000));
        return props;
    }

    @Override
    public Optional<String> lockWaitersQuery(String ownPrefix) {
        return Optional.empty();
    }

    private static String bareName(String namespace, String stream) {
        return Dialect.checkName("namespace", namespace) + "_" + Dialect.checkName("stream", stream);
    }

    @Override
    public String tableName(String namespace, String stream) {
        return "\"" + bareName(namespace, stream) + "\"";
    }

    @Override
    public List<String> createStreamTable(String namespace, String stream) {
        String bare = bareName(namespace, stream);
        return List.of(
                "CREATE TABLE IF NOT EXISTS \"" + bare + "\" (id TEXT PRIMARY KEY, created BIGINT NOT NULL,"
                        + " version BIGINT NOT NULL, data " + jsonType() + " NOT NULL, synced_at " + instantType()
                        + " NOT NULL, deleted " + booleanType() + " NOT NULL DEFAULT " + falseLiteral() + ")",
                "CREATE INDEX IF NOT EXISTS \"" + bare + "_created\" ON \"" + bare + "\" (created)");
    }

    @Override
    public boolean tableExists(Connection c, String namespace, String stream) throws SQLException {
        return tableExists(c, bareName(namespace, stream));
    }

    @Override
    public boolean hasColumn(Connection c, String namespace, String stream, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pragma_table_info(?) WHERE name = ?")) {
            ps.setString(1, bareName(namespace, stream));
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public String jsonType() {
        return "TEXT";
    }

    @Override
    public String jsonBind() {
        return "?";
    }

    @Override
    public String instantType() {
        return "INTEGER";
    }

    @Override
    public String falseLiteral() {
        return "0";
    }

    @Override
    public String booleanType() {
        return "INTEGER";
    }

    @Override
    public String byteOrderedTextType() {
        return "TEXT";
    }

    @Override
    public void bindInstant(PreparedStatement ps, int index, long epochMillis) throws SQLException {
        ps.setLong(index, epochMillis);
    }

    @Override
    public long readInstant(ResultSet rs, String column) throws SQLException {
        return rs.getLong(column);
    }

    @Override
    public void lockObjects(Connection c, Collection<String> keys) {
        // An immediate transaction holds SQLite's one write lock already.
    }

    @Override
    public String forShare() {
        return "";
    }

    @Override
    public Optional<String> ddlLock() {
        return Optional.empty();
    }

    @Override
    public <T> T streaming(Connection c, SqlWork<T> scan) throws SQLException {
        c.setAutoCommit(true);
        return scan.run();
    }

    @Override
    public ItemInsert itemInsert() {
        return itemInsert;
    }

    @Override
    public ReplayStatements replayStatements() {
        return new SqliteReplayStatements();
    }
}
