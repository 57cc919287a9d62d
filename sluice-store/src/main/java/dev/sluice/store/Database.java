package dev.sluice.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.store.internal.Migrations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * An open, migrated database: a connection pool plus the {@link Dialect} that speaks to it.
 *
 * <p>SQLite gets a pool of one connection — SQLite has one writer at a time, and one connection avoids
 * {@code SQLITE_BUSY} between our own threads — with WAL journaling, {@code synchronous=NORMAL}, a 10 s busy
 * timeout, foreign keys on, and immediate transactions (the write lock is taken at {@code BEGIN}, so a transaction
 * never fails half-way upgrading a read lock). NOTE: with one connection, code must never hold a connection while
 * asking the pool for another; it would wait for the pool's timeout and fail. PostgreSQL gets a pool of four.
 *
 * <p>{@link #open} applies pending schema migrations before returning.
 */
public final class Database implements AutoCloseable {
    private static final java.time.Duration WAL_SWITCH_PATIENCE = java.time.Duration.ofSeconds(10);

    private final DatabaseUrl url;
    private final Dialect dialect;
    private final HikariDataSource pool;

    private Database(DatabaseUrl url, Dialect dialect, HikariDataSource pool) {
        this.url = url;
        this.dialect = dialect;
        this.pool = pool;
    }

    /**
     * Connects to {@code url} and migrates its schema.
     *
     * @throws StoreException if the database cannot be reached, created or migrated
     */
    public static Database open(DatabaseUrl url) {
        return open(url, 4);
    }

    /**
     * Connects to {@code url} with a pool of at most {@code maxConnections} (PostgreSQL; SQLite always has one writer
     * and one connection) and migrates its schema.
     *
     * @throws StoreException if the database cannot be reached, created or migrated
     */
    public static Database open(DatabaseUrl url, int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1, was " + maxConnections);
        }
        Dialect dialect = Dialect.of(url.kind());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        config.setPoolName("sluice-" + url.kind().name().toLowerCase(java.util.Locale.ROOT));
        switch (url.kind()) {
            case SQLITE -> {
                Path file = url.file().orElseThrow();
                try {
                    Path parent = file.getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                } catch (IOException e) {
                    throw new StoreException("cannot create the directory of " + url + ": " + e, e);
                }
                config.setMaximumPoolSize(1);
                // NOTE: journal_mode=WAL is not set here: sqlite-jdbc applies it with the connection's pragmas,
                // where switching the file to WAL needs a lock before busy_timeout is in force, so two processes
                // opening one fresh file at once failed with SQLITE_BUSY. It is switched below instead.
                config.addDataSourceProperty("synchronous", "NORMAL");
                config.addDataSourceProperty("busy_timeout", "10000");
                config.addDataSourceProperty("foreign_keys", "true");
                config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            }
            case POSTGRESQL -> {
                config.setMaximumPoolSize(maxConnections);
                // NOTE: the replay governor's canary counts lock waiters other than Sluice's own by this name
                config.addDataSourceProperty("ApplicationName", "sluice");
                config.setMinimumIdle(1);
            }
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open " + url + ": " + rootMessage(e), e);
        }
        try {
            if (url.kind() == DatabaseUrl.Kind.SQLITE) {
                useWriteAheadLog(pool, url);
            }
            Migrations.apply(pool, dialect);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(url, dialect, pool);
    }

    /**
     * Switches the file to WAL (persistent in the file) on an open connection. Changing the journal mode takes an
     * exclusive lock for which SQLite does not always call the busy handler, so a concurrent opener can get
     * {@code SQLITE_BUSY} at once; it is retried here for as long as the busy timeout would have waited.
     */
    private static void useWriteAheadLog(HikariDataSource pool, DatabaseUrl url) {
        long deadline = System.nanoTime() + WAL_SWITCH_PATIENCE.toNanos();
        long backoffMillis = 5;
        while (true) {
            try (java.sql.Connection c = pool.getConnection(); java.sql.Statement st = c.createStatement()) {
                try (java.sql.ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                    if (rs.next() && "wal".equalsIgnoreCase(rs.getString(1))) {
                        return;
                    }
                }
                st.execute("PRAGMA journal_mode=WAL");
                return;
            } catch (java.sql.SQLException e) {
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

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    public DataSource dataSource() {
        return pool;
    }

    public Dialect dialect() {
        return dialect;
    }

    public DatabaseUrl url() {
        return url;
    }

    /** Closes the pool; idempotent. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "Database[" + url + "]";
    }
}
