package dev.sluice.cli.bench;

import dev.sluice.cli.CommandFailure;
import dev.sluice.store.DatabaseFailure;
import dev.sluice.store.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The throwaway PostgreSQL databases benchmarks run in: created on the server {@code --db} names, dropped after,
 * so a benchmark never writes into the database the user pointed at.
 */
final class BenchDatabases {
    private BenchDatabases() {}

    /**
     * Checks that the PostgreSQL server of {@code url} can be reached and can create databases.
     *
     * @throws CommandFailure exit code {@value CommandFailure#CANNOT_START}, naming {@code --db}, the URL and why
     */
    static void checkServer(DatabaseUrl url) {
        if (url.kind() != DatabaseUrl.Kind.POSTGRESQL) {
            return;
        }
        try (Connection c = connect(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
            if (!rs.next() || !rs.getBoolean(1)) {
                throw CommandFailure.cannotStart("--db: the user of " + url + " may not create databases; the bench"
                        + " creates fresh ones and drops them after", null);
            }
        } catch (SQLException e) {
            throw CommandFailure.cannotStart("--db: " + DatabaseFailure.cannotOpen(url, e), e);
        }
    }

    /** Creates database {@code name} on the server of {@code server}; returns its URL. */
    static DatabaseUrl create(DatabaseUrl server, String name) {
        try (Connection c = connect(server); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("--db: cannot create database " + name + " on " + server + ": "
                    + e.getMessage(), e);
        }
        return server.withDatabase(name);
    }

    /** Drops the database {@code url} names, using a connection to {@code server}. */
    static void drop(DatabaseUrl server, DatabaseUrl url) {
        String name = url.database().orElseThrow();
        try (Connection c = connect(server); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop bench database " + name + " on " + server
                    + " (drop it by hand): " + e.getMessage(), e);
        }
    }

    /**
     * {@code url} as a {@code --db} value for a child process: its {@code toString} masks the password, which the
     * child needs (the bench's own servers are local, so the command line is seen by no one else).
     */
    static String forChild(DatabaseUrl url) {
        String s = url.toString();
        return url.password().map(p -> s.replace(":****@", ":"
                + java.net.URLEncoder.encode(p, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20") + "@"))
                .orElse(s);
    }

    static Connection connect(DatabaseUrl url) throws SQLException {
        Properties props = new Properties();
        url.user().ifPresent(u -> props.setProperty("user", u));
        url.password().ifPresent(p -> props.setProperty("password", p));
        return DriverManager.getConnection(url.jdbcUrl(), props);
    }
}
