package dev.sluice.store.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.store.DatabaseUrl;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * PostgreSQL: a stream's table is {@code "<namespace>"."<stream>"} in a schema created on demand; JSON is
 * {@code jsonb} (so malformed JSON is rejected by the database); instants are {@code timestamptz}; keys compared as
 * bytes are {@code COLLATE "C"}. A pool of up to the caller's cap; batch items go in by {@code COPY}, replay batches
 * by {@code unnest}.
 */
final class PostgresDialect implements Dialect {
    static final PostgresDialect INSTANCE = new PostgresDialect();

    /** Advisory lock key serialising Sluice DDL and migrations within one database ("sluice" in ASCII). */
    static final long DDL_LOCK_KEY = 0x736c_7569_6365L;

    private final ItemInsert itemInsert = new PostgresItemInsert(this);

    /** First key of the object locks of {@link #lockObjects} ("sync" in ASCII). */
    static final int OBJECT_LOCK_CLASS = 0x7379_6e63;

    private PostgresDialect() {
    }

    @Override
    public String cannotReach(DatabaseUrl url) {
        return "cannot connect to " + url;
    }

    @Override
    public void configurePool(HikariConfig config, DatabaseUrl url, int maxConnections) {
        config.setMaximumPoolSize(maxConnections);
        // NOTE: the replay governor's canary counts lock waiters other than Sluice's own by this name
        config.addDataSourceProperty("ApplicationName", "sluice");
        config.setMinimumIdle(1);
    }

    @Override
    public void prepare(HikariDataSource pool, DatabaseUrl url) {
    }

    @Override
    public Properties soloConnection(DatabaseUrl url, String applicationName, int timeoutSeconds) {
        Properties props = new Properties();
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", String.valueOf(timeoutSeconds));
        return props;
    }

    @Override
    public Optional<String> lockWaitersQuery(String ownPrefix) {
        return Optional.of("SELECT count(*) FROM pg_stat_activity"
                + " WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND datname = current_database()"
                + " AND coalesce(application_name, '') NOT LIKE '" + ownPrefix + "%'");
    }

    @Override
    public String tableName(String namespace, String stream) {
        return "\"" + Dialect.checkName("namespace", namespace) + "\".\"" + Dialect.checkName("stream", stream) + "\"";
    }

    @Override
    public List<String> createStreamTable(String namespace, String stream) {
        String table = tableName(namespace, stream);
        return List.of(
                "CREATE SCHEMA IF NOT EXISTS \"" + namespace + "\"",
                "CREATE TABLE IF NOT EXISTS " + table + " (id TEXT PRIMARY KEY, created BIGINT NOT NULL,"
                        + " version BIGINT NOT NULL, data " + jsonType() + " NOT NULL, synced_at " + instantType()
                        + " NOT NULL, deleted " + booleanType() + " NOT NULL DEFAULT " + falseLiteral() + ")",
                // Index names are per schema, so the stream name makes them unique; kept within the 63-byte identifier limit.
                "CREATE INDEX IF NOT EXISTS \"" + indexName(stream) + "\" ON " + table + " (created)");
    }

    private static String indexName(String stream) {
        String name = stream + "_created_idx";
        return name.length() <= 63 ? name : stream.substring(0, 63 - 12) + "_created_idx";
    }

    @Override
    public boolean tableExists(Connection c, String namespace, String stream) throws SQLException {
        return tableExists(c, tableName(namespace, stream));
    }

    @Override
    public boolean hasColumn(Connection c, String namespace, String stream, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? AND column_name = ?")) {
            ps.setString(1, Dialect.checkName("namespace", namespace));
            ps.setString(2, Dialect.checkName("stream", stream));
            ps.setString(3, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Override
    public String jsonType() {
        return "jsonb";
    }

    @Override
    public String jsonBind() {
        return "?::jsonb";
    }

    @Override
    public String instantType() {
        return "timestamptz";
    }

    @Override
    public String falseLiteral() {
        return "false";
    }

    @Override
    public String booleanType() {
        return "BOOLEAN";
    }

    @Override
    public String byteOrderedTextType() {
        return "TEXT COLLATE \"C\"";
    }

    @Override
    public void bindInstant(PreparedStatement ps, int index, long epochMillis) throws SQLException {
        ps.setObject(index, OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
    }

    @Override
    public long readInstant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant().toEpochMilli();
    }

    /**
     * Transaction-level advisory locks in the two-key space {@code (OBJECT_LOCK_CLASS, hash of the key)}, apart from
     * the one-key DDL lock, taken in ascending order so two transactions never wait on each other in a circle. Two
     * keys with one hash only wait for each other needlessly.
     */
    @Override
    public void lockObjects(Connection c, Collection<String> keys) throws SQLException {
        int[] hashes = keys.stream().mapToInt(PostgresDialect::lockHash).distinct().sorted().toArray();
        if (hashes.length == 0) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(" + OBJECT_LOCK_CLASS + ", ?)")) {
            for (int h : hashes) {
                ps.setInt(1, h);
                ps.execute();
            }
        }
    }

    private static int lockHash(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int h = 0x811c9dc5;
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * 0x01000193;
        }
        return h;
    }

    @Override
    public String forShare() {
        return " FOR SHARE";
    }

    @Override
    public Optional<String> ddlLock() {
        return Optional.of("SELECT pg_advisory_xact_lock(" + DDL_LOCK_KEY + ")");
    }

    @Override
    public <T> T streaming(Connection c, SqlWork<T> scan) throws SQLException {
        c.setAutoCommit(false);
        try {
            return scan.run();
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    @Override
    public ItemInsert itemInsert() {
        return itemInsert;
    }

    @Override
    public ReplayStatements replayStatements() {
        return new PostgresReplayStatements();
    }
}
