package dev.sluice.cli.bench;

import dev.sluice.store.DatabaseUrl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU that PostgreSQL's backends spend for one client, seen from {@code /proc} (the server runs on this machine):
 * the backends connected to the bench's database whose {@code application_name} starts with a prefix ({@code sluice}
 * for the replay's pool and its canary). Each backend's CPU is remembered at its highest reading, so one that has
 * gone (its connection closed) still counts; {@link #sample} often enough to see each one before it goes.
 */
final class PgBackends implements AutoCloseable {
    private final Connection connection;
    private final String prefix;
    private final Map<Long, Long> baseline = new HashMap<>();
    private final Map<Long, Long> latest = new HashMap<>();

    /** Watches the backends of {@code db} named {@code prefix…}; those already there count from now on. */
    PgBackends(DatabaseUrl db, String prefix) throws SQLException {
        this.connection = BenchDatabases.connect(db);
        this.prefix = prefix;
        for (Map.Entry<Long, Long> e : read().entrySet()) {
            baseline.put(e.getKey(), e.getValue());
        }
    }

    /** Reads the backends now; returns the CPU nanoseconds they have spent since this watcher was made. */
    synchronized long sample() {
        try {
            for (Map.Entry<Long, Long> e : read().entrySet()) {
                latest.merge(e.getKey(), e.getValue(), Math::max);
            }
        } catch (SQLException e) {
            // the server is busy or restarting: the next sample catches up
        }
        long sum = 0;
        for (Map.Entry<Long, Long> e : latest.entrySet()) {
            sum += e.getValue() - baseline.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    private Map<Long, Long> read() throws SQLException {
        Map<Long, Long> cpu = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT pid FROM pg_stat_activity"
                + " WHERE datname = current_database() AND application_name LIKE ? AND pid <> pg_backend_pid()")) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long pid = rs.getLong(1);
                    cpu.put(pid, ProcStat.cpuNanos(pid));
                }
            }
        }
        return cpu;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}
