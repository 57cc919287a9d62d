package dev.sluice.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.store.DatabaseUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DialectTest {
    private static final Dialect SQLITE = Dialects.of(DatabaseUrl.Kind.SQLITE);
    private static final Dialect POSTGRES = Dialects.of(DatabaseUrl.Kind.POSTGRESQL);

    @Test
    void tableNames() {
        assertThat(SQLITE.tableName("stripe", "customers")).isEqualTo("\"stripe_customers\"");
        assertThat(POSTGRES.tableName("stripe", "customers")).isEqualTo("\"stripe\".\"customers\"");
    }

    @Test
    void jsonTypesAndBinds() {
        assertThat(SQLITE.jsonType()).isEqualTo("TEXT");
        assertThat(SQLITE.jsonBind()).isEqualTo("?");
        assertThat(POSTGRES.jsonType()).isEqualTo("jsonb");
        assertThat(POSTGRES.jsonBind()).isEqualTo("?::jsonb");
    }

    @Test
    void keysCompareAsBytesOnBoth() {
        assertThat(SQLITE.byteOrderedTextType()).isEqualTo("TEXT");
        assertThat(POSTGRES.byteOrderedTextType()).isEqualTo("TEXT COLLATE \"C\"");
    }

    @Test
    void onlyPostgresCountsLockWaitersLeavingOutSluicesOwnSessions() {
        assertThat(SQLITE.lockWaitersQuery("sluice")).isEmpty();
        assertThat(POSTGRES.lockWaitersQuery("sluice").orElseThrow())
                .contains("wait_event_type = 'Lock'").contains("NOT LIKE 'sluice%'");
    }

    @Test
    void onlyPostgresNeedsAShareLockToExcludeConcurrentUpdates() {
        assertThat(SQLITE.forShare()).isEmpty();
        assertThat(POSTGRES.forShare()).isEqualTo(" FOR SHARE");
    }

    @Test
    void upsertHasOnePlaceholderGroupPerRowAndTheVersionAndDeletionGuard() {
        String sql = POSTGRES.upsertRecords("stripe", "charges", 3);
        assertThat(sql).startsWith("INSERT INTO \"stripe\".\"charges\" AS t");
        assertThat(sql.chars().filter(ch -> ch == '?').count()).isEqualTo(15);
        assertThat(sql).contains("ON CONFLICT (id) DO UPDATE").endsWith("WHERE t.version < excluded.version AND NOT t.deleted");
    }

    @Test
    void aStreamTableHasTheDeletedFlagAndAnOlderOneGetsItWithoutARewrite() {
        assertThat(SQLITE.createStreamTable("stripe", "customers").get(0))
                .contains("deleted INTEGER NOT NULL DEFAULT 0");
        assertThat(POSTGRES.createStreamTable("stripe", "customers").get(1))
                .contains("deleted BOOLEAN NOT NULL DEFAULT false");
        assertThat(POSTGRES.addDeletedColumn("stripe", "customers"))
                .isEqualTo("ALTER TABLE \"stripe\".\"customers\" ADD COLUMN deleted BOOLEAN NOT NULL DEFAULT false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Customers", "1abc", "_x", "a-b", "a\"b", "a b", "x;drop table y",
            "a123456789012345678901234567890123456789012345678901234567890123"})
    void unsafeNamesAreRejectedByName(String name) {
        assertThatThrownBy(() -> POSTGRES.tableName("stripe", name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream name '" + name + "'");
        assertThatThrownBy(() -> SQLITE.createStreamTable(name, "customers"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace name '" + name + "'");
    }

    @Test
    void longestAllowedNameIsAccepted() {
        String name = "a" + "b".repeat(62);
        assertThat(POSTGRES.tableName(name, name)).contains(name);
        assertThat(POSTGRES.createStreamTable("s", name).get(2)).contains("_created_idx");
    }
}
