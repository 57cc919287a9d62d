package dev.sluice.cli.support;

import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code sluice backfill stripe} worker processes on one PostgreSQL job and reads the job's leases. */
public final class Workers implements AutoCloseable {
    private final Path dir;
    private final StripeSimulator sim;
    private final DatabaseUrl db;
    private final List<String> flags;
    private final Database database;

    /** @param flags the flags every worker gets after the API and the database (job, resources, rate, lease) */
    public Workers(Path dir, StripeSimulator sim, DatabaseUrl db, List<String> flags) {
        this.dir = dir;
        this.sim = sim;
        this.db = db;
        this.flags = List.copyOf(flags);
        this.database = Database.open(db, 2);
    }

    @Override
    public void close() {
        database.close();
    }

    /** {@code postgresql://user@host:port/db} as {@code --db} takes it. */
    public static String url(DatabaseUrl db) {
        return "postgresql://" + db.user().map(u -> u + "@").orElse("") + db.hostPort().orElseThrow() + "/"
                + db.database().orElseThrow();
    }

    public SluiceProcess start(String name) throws Exception {
        List<String> args = new ArrayList<>(List.of("backfill", "stripe", "--base-url", sim.baseUrl(),
                "--api-key", "sk_test_workers", "--db", url(db), "--quiet"));
        args.addAll(flags);
        return SluiceProcess.start(dir, name, args);
    }

    /** Segments not done that {@code worker}'s process ({@code pid@host}) still owns with a lease running. */
    public int liveLeasesOf(long pid, long nowMillis) throws Exception {
        return count("SELECT count(*) FROM sluice_segments WHERE NOT done AND owner LIKE ? AND lease_until > ?",
                pid + "@%", nowMillis);
    }

    /** Segments not done whose last owner is {@code pid}'s process. */
    public int ownedBy(long pid) throws Exception {
        return count("SELECT count(*) FROM sluice_segments WHERE NOT done AND owner LIKE ?", pid + "@%", null);
    }

    private int count(String sql, String owner, Long now) throws Exception {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, owner);
            if (now != null) {
                ps.setLong(2, now);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The job's checkpoint rows and the count of rows in each table, as one comparable string. */
    public String snapshot(String job, List<String> resources) throws Exception {
        StringBuilder sb = new StringBuilder();
        Database d = database;
        try (Connection c = d.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT stream, remaining, done FROM sluice_checkpoints"
                    + " WHERE job = ? ORDER BY stream")) {
                ps.setString(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sb.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ')
                                .append(rs.getBoolean(3)).append('\n');
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT gte, lt, cursor, done, epoch FROM sluice_segments"
                    + " WHERE job = ? ORDER BY id")) {
                ps.setString(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sb.append(rs.getLong(1)).append(' ').append(rs.getLong(2)).append(' ').append(rs.getString(3))
                                .append(' ').append(rs.getBoolean(4)).append(' ').append(rs.getLong(5)).append('\n');
                    }
                }
            }
            for (String r : resources) {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*), coalesce(max(synced_at)::text,"
                        + " '') FROM " + d.dialect().tableName("stripe", r))) {
                    rs.next();
                    sb.append(r).append(' ').append(rs.getLong(1)).append(' ').append(rs.getString(2)).append('\n');
                }
            }
        }
        return sb.toString();
    }
}
