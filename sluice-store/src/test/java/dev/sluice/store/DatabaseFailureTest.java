package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.store.testing.RestartablePostgres;
import dev.sluice.store.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which real database failures the store calls transient: the ones a restart, a failover or a lock race make. */
class DatabaseFailureTest {
    @TempDir
    Path dir;

    private static void execute(Database db, String sql) {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new StoreException("cannot run " + sql, e);
        }
    }

    @Test
    void aRestartIsTransientAndTheLoginItRefusesIsNot() {
        try (RestartablePostgres pg = RestartablePostgres.start(dir.resolve("pg"));
             Database db = Database.open(pg.url(), 2)) {
            execute(db, "SELECT 1");
            pg.stop();
            Throwable down = catchThrowable(() -> execute(db, "SELECT 1"));
            assertThat(down).isInstanceOf(StoreException.class);
            assertThat(DatabaseFailure.isTransient(down)).as(DatabaseFailure.describe(down)).isTrue();
            pg.startAgain();
            execute(db, "SELECT 1"); // the pool reconnects by itself

            Throwable typo = catchThrowable(() -> execute(db, "SELEKT 1"));
            assertThat(DatabaseFailure.isTransient(typo)).isFalse();
            DatabaseUrl stranger = DatabaseUrl.parse("postgresql://nobody_here@" + pg.url().hostPort().orElseThrow()
                    + "/postgres");
            assertThatThrownBy(() -> Database.open(stranger, 1)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("refused the login")
                    .satisfies(e -> assertThat(DatabaseFailure.isTransient(e)).isFalse());
        }
    }

    @Test
    void anAdminShutdownOfTheSessionIsTransient() {
        DatabaseUrl url = TestDatabases.postgres();
        try (Database db = Database.open(url, 2); Database admin = Database.open(url, 1)) {
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("SELECT 1");
                execute(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND pid <> pg_backend_pid()");
                Throwable killed = catchThrowable(() -> st.execute("SELECT 1"));
                assertThat(killed).isInstanceOf(SQLException.class);
                assertThat(DatabaseFailure.isTransient(killed)).as(killed.toString()).isTrue();
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aBusySqliteFileIsTransient() throws Exception {
        Path file = dir.resolve("busy.db");
        try (Database a = Database.open(DatabaseUrl.sqlite(file), 1)) {
            try (Connection writer = a.dataSource().getConnection(); Statement st = writer.createStatement()) {
                writer.setAutoCommit(false);
                st.execute("CREATE TABLE t (x INTEGER)");
                st.execute("INSERT INTO t VALUES (1)"); // holds the write lock
                var other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file + "?busy_timeout=50");
                try (other; Statement st2 = other.createStatement()) {
                    Throwable busy = catchThrowable(() -> st2.execute("INSERT INTO sluice_schema_version VALUES"
                            + " (999, 'x', 0)"));
                    assertThat(busy).isInstanceOf(SQLException.class);
                    assertThat(DatabaseFailure.isTransient(busy)).as(busy.toString()).isTrue();
                }
                writer.rollback();
            }
        }
    }

    @Test
    void describeGivesTheDriversOwnWordsWithoutItsAdvice() {
        SQLException refused = new SQLException("Connection to 127.0.0.1:1 refused. Check that the hostname and port"
                + " are correct and that the postmaster is accepting TCP/IP connections.", "08001");
        assertThat(DatabaseFailure.describe(new StoreException("cannot open", refused)))
                .isEqualTo("Connection to 127.0.0.1:1 refused");
        assertThat(DatabaseFailure.isTransient(new StoreException("x", refused))).isTrue();
        assertThat(DatabaseFailure.isTransient(new SQLException("deadlock detected", "40P01"))).isTrue();
        assertThat(DatabaseFailure.isTransient(new SQLException("could not serialize", "40001"))).isTrue();
        assertThat(DatabaseFailure.isTransient(new SQLException("the database system is starting up", "57P03")))
                .isTrue();
        assertThat(DatabaseFailure.isTransient(new SQLException("protocol violation", "08P01"))).isFalse();
        assertThat(DatabaseFailure.isTransient(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(DatabaseFailure.isTransient(new SQLException("disk full", "53100"))).isFalse();
    }
}
