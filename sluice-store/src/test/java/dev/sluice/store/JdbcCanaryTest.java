package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.replay.govern.ForegroundMonitor;
import dev.sluice.replay.govern.ForegroundSample;
import dev.sluice.replay.govern.Governor;
import dev.sluice.replay.govern.GovernorConfig;
import dev.sluice.replay.govern.GovernorState;
import dev.sluice.time.Clock;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JdbcCanaryTest {
    @TempDir
    Path dir;

    private DatabaseUrl migrated(Kind kind) {
        DatabaseUrl url = TestDatabases.fresh(kind, dir);
        Database.open(url).close();
        return url;
    }

    private static Connection connect(DatabaseUrl url, String applicationName) throws SQLException {
        Properties props = new Properties();
        url.user().ifPresent(u -> props.setProperty("user", u));
        url.password().ifPresent(p -> props.setProperty("password", p));
        if (applicationName != null) {
            props.setProperty("ApplicationName", applicationName);
        }
        return DriverManager.getConnection(url.jdbcUrl(), props);
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void theDefaultCanaryIsATinyWriteAndARead_TimedWithNoWaitersOnAnIdleDatabase(Kind kind) throws Exception {
        DatabaseUrl url = migrated(kind);
        try (JdbcCanary canary = JdbcCanary.open(url, null)) {
            assertThat(canary.describe()).isEqualTo("canary \"" + JdbcCanary.DEFAULT_WRITE + "; "
                    + JdbcCanary.DEFAULT_READ + "\" on " + url);
            for (int i = 0; i < 5; i++) {
                ForegroundSample s = canary.sample();
                assertThat(s.latencyNanos()).isPositive().isLessThan(Duration.ofSeconds(5).toNanos());
                assertThat(s.waiters()).isZero();
            }
        }
        // Its table was made on open, and each sample (the one open takes included) committed one write.
        try (JdbcCanary again = JdbcCanary.open(url, null); Connection c = connect(url, null);
             Statement st = c.createStatement(); var rs = st.executeQuery("SELECT n FROM sluice_canary WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(7);
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void runsTheUsersCanaryAndReadsAllItsRows(Kind kind) throws Exception {
        DatabaseUrl url = migrated(kind);
        try (Connection c = connect(url, null); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER)");
            st.execute("INSERT INTO orders VALUES (1, 10), (2, 20), (3, 30)");
        }
        try (JdbcCanary canary = JdbcCanary.open(url, "  SELECT id, total FROM orders ORDER BY id  ")) {
            assertThat(canary.describe()).startsWith("canary \"SELECT id, total FROM orders ORDER BY id\" on ");
            assertThat(canary.sample().latencyNanos()).isPositive();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void aCanaryThatFailsOnFirstUseNamesTheFlagAndTheDatabaseError(Kind kind) {
        DatabaseUrl url = migrated(kind);
        assertThatThrownBy(() -> JdbcCanary.open(url, "SELEC 1"))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("--canary-sql \"SELEC 1\" failed on " + url + ": ")
                .hasMessageContaining("syntax error");
        assertThatThrownBy(() -> JdbcCanary.open(url, "SELECT * FROM no_such_table"))
                .hasMessageStartingWith("--canary-sql \"SELECT * FROM no_such_table\" failed on ")
                .hasMessageContaining("no_such_table");
    }

    @Test
    void anUnreachableDatabaseIsNamedWithoutItsPassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://sluice:secret@127.0.0.1:1/nowhere");
        assertThatThrownBy(() -> JdbcCanary.open(url, null))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot open the canary connection to postgresql://sluice:****@127.0.0.1:1/")
                .hasMessageNotContaining("secret");
        DatabaseUrl missing = DatabaseUrl.sqlite(dir.resolve("missing.db"));
        assertThatThrownBy(() -> JdbcCanary.open(missing, null))
                .hasMessageContaining("no SQLite database at");
        assertThat(dir.resolve("missing.db")).doesNotExist();
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void reconnectsAfterItsConnectionIsClosedUnderIt(Kind kind) throws Exception {
        DatabaseUrl url = migrated(kind);
        try (JdbcCanary canary = JdbcCanary.open(url, null)) {
            Connection first = canary.connection();
            first.close();
            assertThat(canary.sample().latencyNanos()).isPositive();
            assertThat(canary.connection()).isNotSameAs(first);
        }
    }

    @Test
    void reconnectsAfterTheServerEndsItsSession() throws Exception {
        DatabaseUrl url = migrated(Kind.POSTGRESQL);
        try (JdbcCanary canary = JdbcCanary.open(url, null);
             Connection admin = connect(url, "sluice-test-admin");
             Statement st = admin.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
                    + JdbcCanary.APPLICATION_NAME + "' AND datname = current_database()");
            List<Object> outcomes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                try {
                    outcomes.add(canary.sample());
                } catch (SQLException e) {
                    outcomes.add(e);
                }
            }
            // the call that finds the session gone fails; the next one reconnects
            assertThat(outcomes.get(1)).isInstanceOf(ForegroundSample.class);
        }
    }

    @Test
    void countsForeignSessionsWaitingOnLocksButNotSluicesOwn() throws Exception {
        DatabaseUrl url = migrated(Kind.POSTGRESQL);
        try (Connection holder = connect(url, "app-holder"); Statement st = holder.createStatement()) {
            st.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER)");
            st.execute("INSERT INTO accounts VALUES (1, 100)");
            holder.setAutoCommit(false);
            st.execute("UPDATE accounts SET balance = balance + 1 WHERE id = 1");

            // SELECT 1: the waiters are the point here, not the canary
            try (JdbcCanary canary = JdbcCanary.open(url, "SELECT 1");
                 ExecutorService pool = Executors.newFixedThreadPool(2)) {
                assertThat(canary.sample().waiters()).isZero();
                Future<?> sluiceWriter = pool.submit(() -> blockedUpdate(url, "sluice-replay"));
                await().atMost(Duration.ofSeconds(10)).until(() -> lockWaiters(holder) == 1);
                assertThat(canary.sample().waiters()).as("Sluice's own writer is not counted").isZero();

                Future<?> foreign = pool.submit(() -> blockedUpdate(url, "checkout-service"));
                await().atMost(Duration.ofSeconds(10)).until(() -> canary.sample().waiters() == 1);

                holder.rollback();
                sluiceWriter.get(10, TimeUnit.SECONDS);
                foreign.get(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(10)).until(() -> canary.sample().waiters() == 0);
            }
        }
    }

    private static Void blockedUpdate(DatabaseUrl url, String applicationName) throws SQLException {
        try (Connection c = connect(url, applicationName); Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = '20s'");
            st.execute("UPDATE accounts SET balance = balance - 1 WHERE id = 1");
        }
        return null;
    }

    private static int lockWaiters(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                     + " AND datname = current_database()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void closingIsIdempotentAndEndsSampling(Kind kind) {
        DatabaseUrl url = migrated(kind);
        JdbcCanary canary = JdbcCanary.open(url, null);
        canary.close();
        canary.close();
        assertThatThrownBy(canary::sample).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void feedsTheGovernorThroughTheMonitorOnTheRealClock(Kind kind) {
        DatabaseUrl url = migrated(kind);
        Governor governor = new Governor(GovernorConfig.builder().probeInterval(Duration.ofMillis(10))
                .window(Duration.ofMillis(50)).calibrationSamples(5).build(), Clock.system());
        JdbcCanary canary = JdbcCanary.open(url, null);
        try (ForegroundMonitor monitor = ForegroundMonitor.start(canary, governor, Clock.system())) {
            await().atMost(Duration.ofSeconds(10)).until(monitor::calibrated);
            await().atMost(Duration.ofSeconds(10)).until(() -> !Double.isNaN(governor.state().foregroundMs()));
            GovernorState state = governor.state();
            assertThat(state.baselineMs()).isPositive();
            // budget and baseline are converted from nanoseconds separately: compare up to rounding
            assertThat(state.budgetMs()).isGreaterThanOrEqualTo(state.baselineMs() + 0.25 - 1e-9);
            assertThat(governor.rate()).isPositive();
            assertThat(monitor.failures()).isZero();
        }
        assertThatThrownBy(canary::sample).hasMessageContaining("closed"); // the monitor owns and closes it
    }
}
