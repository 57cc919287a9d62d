package dev.sluice.store;

import dev.sluice.replay.govern.ForegroundProbe;
import dev.sluice.replay.govern.ForegroundSample;
import dev.sluice.store.internal.Dialect;
import dev.sluice.store.internal.Dialects;
import dev.sluice.store.internal.Transactions;
import dev.sluice.time.Clock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The replay governor's foreground probe: a canary query, timed, on a JDBC connection of its own — never one from
 * the sink's pool, so the canary waits in the queue foreground clients wait in rather than in Sluice's own.
 *
 * <p>Each {@link #sample()} runs the canary and reads every row it returns, and reports the time that took. The
 * canary is the user's {@code --canary-sql}, or by default a tiny write and a read, each committing on its own:
 * {@value #DEFAULT_WRITE} then {@value #DEFAULT_READ}, on a one-row table {@value #DEFAULT_TABLE} that {@link #open}
 * creates if it is missing. A write because what a foreground feels first is the queue for commits and the WAL, which
 * a {@code SELECT 1} never joins (measured: {@code SELECT 1} did not slow down while a replay tripled pgbench's p99);
 * a read because reads are most of many foregrounds. On PostgreSQL it then counts, untimed, the other
 * sessions of the same database waiting on a lock ({@code pg_stat_activity.wait_event_type = 'Lock'}), leaving out
 * its own session and every session whose {@code application_name} starts with {@value #SLUICE_APPLICATION_PREFIX}
 * — Sluice's own writers queueing on each other are the inner loop's business, not a foreground symptom. On SQLite
 * the waiters are always 0 (readers do not queue behind the writer under WAL, and the database cannot tell).
 *
 * <p>NOTE: PostgreSQL shows {@code wait_event_type} of other roles' sessions only to superusers and members of
 * {@code pg_read_all_stats} (or {@code pg_monitor}); for any other role the waiters counted are those of its own
 * role. And Sluice's pooled connections are excluded only if they carry an {@code application_name} starting with
 * {@value #SLUICE_APPLICATION_PREFIX} (the canary's own is {@value #APPLICATION_NAME}).
 *
 * <p>{@link #open} validates the canary at once: a database that cannot be reached, or a canary SQL that fails,
 * is a {@link StoreException} naming the URL (password masked), the flag and the database's own message, before the
 * replay starts. Later failures throw from {@code sample()}; a broken connection is dropped and the next call
 * reconnects. Each canary run is bounded by a {@value #QUERY_TIMEOUT_SECONDS} s query timeout, so a database that
 * stops answering shows as failures (which the governor treats as silence, i.e. a breach), not as a hung probe.
 *
 * <p>Thread-safety: {@code sample()} is called from one thread (the monitor's); {@link #close()} may be called from
 * another while a sample runs, and then aborts it by closing the connection.
 */
public final class JdbcCanary implements ForegroundProbe {
    /** The default canary's table: one row, {@code (id, n)}, created by {@link #open} if missing. */
    public static final String DEFAULT_TABLE = "sluice_canary";
    public static final String DEFAULT_WRITE = "UPDATE sluice_canary SET n = n + 1 WHERE id = 1";
    public static final String DEFAULT_READ = "SELECT n FROM sluice_canary WHERE id = 1";
    /** The canary connection's {@code application_name} on PostgreSQL. */
    public static final String APPLICATION_NAME = "sluice-canary";
    /** Sessions whose {@code application_name} starts with this are Sluice's own and never counted as waiters. */
    public static final String SLUICE_APPLICATION_PREFIX = "sluice";
    static final int QUERY_TIMEOUT_SECONDS = 10;

    private final DatabaseUrl url;
    private final Dialect dialect;
    private final List<String> sql;
    private final Clock clock;
    private volatile Connection connection;
    private volatile List<PreparedStatement> canary;
    private volatile PreparedStatement waiters;
    private volatile boolean closed;

    private JdbcCanary(DatabaseUrl url, List<String> sql, Clock clock) {
        this.url = url;
        this.dialect = Dialects.of(url.kind());
        this.sql = sql;
        this.clock = clock;
    }

    /** {@link #open(DatabaseUrl, String, Clock)} with the real clock. */
    public static JdbcCanary open(DatabaseUrl url, String canarySql) {
        return open(url, canarySql, Clock.system());
    }

    /**
     * Connects and runs the canary once.
     *
     * @param canarySql the user's {@code --canary-sql}, or null/blank for the default write and read
     * @throws StoreException if the database cannot be reached, or the canary fails there (the message names
     *         {@code --canary-sql} and carries the database's error)
     */
    public static JdbcCanary open(DatabaseUrl url, String canarySql, Clock clock) {
        Objects.requireNonNull(url, "url");
        boolean builtIn = canarySql == null || canarySql.isBlank();
        List<String> sql = builtIn ? List.of(DEFAULT_WRITE, DEFAULT_READ) : List.of(canarySql.strip());
        JdbcCanary c = new JdbcCanary(url, sql, Objects.requireNonNull(clock, "clock"));
        try {
            c.connect();
        } catch (SQLException e) {
            c.close();
            throw new StoreException("cannot open the canary connection to " + url + ": " + e.getMessage(), e);
        }
        if (builtIn) {
            try {
                c.createTable();
            } catch (SQLException e) {
                c.close();
                throw new StoreException("cannot create the canary's table " + DEFAULT_TABLE + " on " + url
                        + " (or give --canary-sql a query that needs none): " + e.getMessage(), e);
            }
        }
        try {
            c.sample();
        } catch (SQLException e) {
            c.close();
            throw new StoreException("--canary-sql \"" + String.join("; ", sql) + "\" failed on " + url + ": "
                    + e.getMessage(), e);
        }
        return c;
    }

    @Override
    public ForegroundSample sample() throws SQLException {
        if (closed) {
            throw new SQLException("the canary is closed");
        }
        if (connection == null || connection.isClosed()) {
            connect();
        }
        if (canary == null) {
            try {
                prepare();
            } catch (SQLException e) {
                dropIfBroken();
                throw e;
            }
        }
        // Locals: close() may clear the fields from another thread; the statements then fail on their closed
        // connection, which is the abort close() intends.
        List<PreparedStatement> sts = canary;
        PreparedStatement w = waiters;
        if (sts == null) {
            throw new SQLException("the canary is closed");
        }
        try {
            long start = clock.nanoTime();
            for (PreparedStatement st : sts) {
                drain(st, st.execute());
            }
            long latency = clock.nanoTime() - start;
            return new ForegroundSample(Math.max(0, latency), w == null ? 0 : countWaiters(w));
        } catch (SQLException e) {
            dropIfBroken();
            throw e;
        }
    }

    /** Reads every result the canary produced, as a client would (a query's cost includes sending its rows). */
    private static void drain(PreparedStatement st, boolean rows) throws SQLException {
        while (true) {
            if (rows) {
                try (ResultSet rs = st.getResultSet()) {
                    while (rs.next()) {
                        // the rows are the point, not their values
                    }
                }
            } else if (st.getUpdateCount() == -1) {
                return;
            }
            rows = st.getMoreResults();
        }
    }

    private static int countWaiters(PreparedStatement w) throws SQLException {
        try (ResultSet rs = w.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** Opens the connection; the statements are prepared by {@link #prepare}, so a bad canary is told apart. */
    private synchronized void connect() throws SQLException {
        closeConnection();
        // On SQLite this refuses a file that is not there: the canary measures the database the sink writes.
        Properties props = dialect.soloConnection(url, APPLICATION_NAME, QUERY_TIMEOUT_SECONDS);
        url.user().ifPresent(u -> props.setProperty("user", u));
        url.password().ifPresent(p -> props.setProperty("password", p));
        Connection c = DriverManager.getConnection(url.jdbcUrl(), props);
        c.setAutoCommit(true);
        connection = c;
        if (closed) {
            closeConnection();
            throw new SQLException("the canary is closed");
        }
    }

    /** The default canary's one-row table, under the dialect's DDL lock (two replays may start at once). */
    private synchronized void createTable() throws SQLException {
        Connection c = connection;
        c.setAutoCommit(false);
        try {
            Transactions.ddl(c, dialect, List.of("CREATE TABLE IF NOT EXISTS " + DEFAULT_TABLE
                    + " (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)", "INSERT INTO " + DEFAULT_TABLE
                    + " (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING"));
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Prepares the canary (SQLite compiles it here, so a syntax error shows here) and the waiters query. */
    private synchronized void prepare() throws SQLException {
        Connection c = connection;
        if (c == null) {
            throw new SQLException("the canary is closed");
        }
        List<PreparedStatement> sts = new ArrayList<>();
        for (String one : sql) {
            PreparedStatement st = c.prepareStatement(one);
            st.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            sts.add(st);
        }
        PreparedStatement w = null;
        Optional<String> waitersSql = dialect.lockWaitersQuery(SLUICE_APPLICATION_PREFIX);
        if (waitersSql.isPresent()) {
            w = c.prepareStatement(waitersSql.get());
            w.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        }
        canary = List.copyOf(sts);
        waiters = w;
    }

    private void dropIfBroken() {
        Connection c = connection;
        try {
            if (c != null && !c.isClosed() && c.isValid(1)) {
                return; // the statement failed, the connection is fine
            }
        } catch (SQLException ignored) {
            // treat as broken
        }
        closeConnection();
    }

    private synchronized void closeConnection() {
        Connection c = connection;
        connection = null;
        canary = null;
        waiters = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a broken connection may fail; it is gone either way
            }
        }
    }

    /** The connection in use, for tests that break it. */
    Connection connection() {
        return connection;
    }

    @Override
    public String describe() {
        return "canary \"" + String.join("; ", sql) + "\" on " + url;
    }

    /** Closes the connection, aborting a canary in progress. Idempotent. */
    @Override
    public void close() {
        closed = true;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // see closeConnection
            }
        }
        closeConnection();
    }

    @Override
    public String toString() {
        return "JdbcCanary[" + describe() + "]";
    }
}
