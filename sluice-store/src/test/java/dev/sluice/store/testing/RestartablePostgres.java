package dev.sluice.store.testing;

import dev.sluice.store.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A PostgreSQL of one test's own (zonky, embedded), on a fixed port and data directory, so the test can stop and
 * start it under a running Sluice: a database restart for real, never one of the shared server. The data survives a
 * restart; {@link #close} stops the server and leaves the directory to the test's {@code @TempDir}.
 */
public final class RestartablePostgres implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres pg;

    private RestartablePostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Initialises a new cluster in {@code dataDir} (which must not hold one) and starts it on a free port. */
    public static RestartablePostgres start(Path dataDir) {
        RestartablePostgres p = new RestartablePostgres(dataDir, freePort());
        p.startServer(true);
        return p;
    }

    /** The {@code postgres} database as user {@code postgres}. */
    public DatabaseUrl url() {
        return DatabaseUrl.parse("postgresql://postgres@127.0.0.1:" + port + "/postgres");
    }

    /** A new, empty database on this server, so tests that share the server do not see each other's tables. */
    public synchronized DatabaseUrl newDatabase() {
        String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(url().jdbcUrl(), "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a database on the test's PostgreSQL: " + e.getMessage(), e);
        }
        return url().withDatabase(name);
    }

    /** Stops the server the way an operator's restart does (fast shutdown: sessions get {@code 57P01}). */
    public synchronized void stop() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the test's PostgreSQL: " + e.getMessage(), e);
        }
        pg = null;
    }

    /** Starts the stopped server again, on the same port and data. */
    public synchronized void startAgain() {
        startServer(false);
    }

    public synchronized boolean running() {
        return pg != null;
    }

    private void startServer(boolean fresh) {
        try {
            if (fresh) {
                Files.createDirectories(dataDir);
            }
            pg = EmbeddedPostgres.builder().setPort(port).setDataDirectory(dataDir).setCleanDataDirectory(false)
                    .setServerConfig("synchronous_commit", "on").start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test's PostgreSQL on port " + port + ": "
                    + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (pg != null) {
            stop();
        }
    }
}
