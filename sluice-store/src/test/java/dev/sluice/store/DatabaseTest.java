package dev.sluice.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.internal.Dialects;
import dev.sluice.store.internal.Migrations;
import dev.sluice.store.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DatabaseTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void migrationsApplyOnceAndOpeningAgainChangesNothing(Kind kind) throws Exception {
        DatabaseUrl url = TestDatabases.fresh(kind, dir);
        try (Database db = Database.open(url)) {
            assertThat(db.dialect()).isSameAs(Dialects.of(kind));
            assertThat(db.url()).isEqualTo(url);
            assertThat(versions(db)).isEqualTo(allVersions());
        }
        try (Database db = Database.open(url)) {
            assertThat(versions(db)).isEqualTo(allVersions());
            assertThat(count(db, "sluice_checkpoints")).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void concurrentOpensOfOneFreshDatabaseBothSucceed(Kind kind) throws Exception {
        DatabaseUrl url = TestDatabases.fresh(kind, dir);
        int openers = 4;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Integer>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(openers)) {
            for (int i = 0; i < openers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try (Database db = Database.open(url)) {
                        return versions(db);
                    }
                }));
            }
            start.countDown();
            for (Future<List<Integer>> r : results) {
                assertThat(r.get()).isEqualTo(allVersions());
            }
        }
    }

    @Test
    void sqliteCreatesTheParentDirectoryAndSetsItsPragmas() throws Exception {
        Path file = dir.resolve("nested/deeper/sluice.db");
        try (Database db = Database.open(DatabaseUrl.parse("sqlite:" + file))) {
            assertThat(Files.exists(file)).isTrue();
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
                assertThat(pragma(st, "journal_mode")).isEqualTo("wal");
                assertThat(pragma(st, "synchronous")).isEqualTo("1"); // NORMAL
                assertThat(pragma(st, "busy_timeout")).isEqualTo("10000");
                assertThat(pragma(st, "foreign_keys")).isEqualTo("1");
            }
        }
    }

    @Test
    void unreachablePostgresFailsWithTheMaskedUrl() {
        // Port 1 is privileged and unused: the connection is refused at once.
        DatabaseUrl url = DatabaseUrl.parse("postgresql://u:s3cret@127.0.0.1:1/nothing?connectTimeout=2");
        assertThatThrownBy(() -> Database.open(url))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("u:****@127.0.0.1:1/nothing")
                .message().doesNotContain("s3cret");
    }

    @Test
    void aSchemaNewerThanThisBuildIsRefused() throws Exception {
        DatabaseUrl url = TestDatabases.sqlite(dir);
        try (Database db = Database.open(url);
             Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO sluice_schema_version (version, description, applied_at) VALUES (999, 'future', 0)");
        }
        assertThatThrownBy(() -> Database.open(url))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("version 999");
    }

    private static List<Integer> allVersions() {
        return Migrations.ALL.stream().map(Migrations.Migration::version).toList();
    }

    private static String pragma(Statement st, String name) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static List<Integer> versions(Database db) throws SQLException {
        List<Integer> versions = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM sluice_schema_version ORDER BY version")) {
            while (rs.next()) {
                versions.add(rs.getInt(1));
            }
        }
        return versions;
    }

    static long count(Database db, String table) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
