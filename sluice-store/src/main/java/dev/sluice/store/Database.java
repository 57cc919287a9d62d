package dev.sluice.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.store.internal.Dialect;
import dev.sluice.store.internal.Dialects;
import dev.sluice.store.internal.Migrations;
import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * An open, migrated database: a connection pool plus the {@link Dialect} that speaks to it.
 *
 * <p>The dialect sizes and configures the pool: SQLite gets a pool of one connection (one writer at a time), with
 * WAL journaling and immediate transactions. NOTE: with one connection, code must never hold a connection while
 * asking the pool for another; it would wait for the pool's timeout and fail. PostgreSQL gets a pool of four unless
 * the caller says otherwise.
 *
 * <p>{@link #open} applies pending schema migrations before returning.
 */
public final class Database implements AutoCloseable {
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
        return open(url, maxConnections, DEFAULT_CONNECTION_TIMEOUT);
    }

    /** How long a caller waits for a connection by default (HikariCP's default): long enough to ride out a blip. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(30);

    /**
     * As {@link #open(DatabaseUrl, int)}, with callers waiting at most {@code connectionTimeout} for a connection
     * before the pool gives up (a server answering requests wants to say 503 soon, not after 30 s, while the database
     * restarts; the pool reconnects by itself meanwhile).
     */
    public static Database open(DatabaseUrl url, int maxConnections, Duration connectionTimeout) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1, was " + maxConnections);
        }
        Dialect dialect = Dialects.of(url.kind());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        config.setPoolName("sluice-" + url.kind().name().toLowerCase(Locale.ROOT));
        dialect.configurePool(config, url, maxConnections);
        config.setConnectionTimeout(Math.max(250, connectionTimeout.toMillis()));
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException(DatabaseFailure.cannotOpen(url, e), e);
        }
        try {
            dialect.prepare(pool, url);
            Migrations.apply(pool, dialect);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(url, dialect, pool);
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
