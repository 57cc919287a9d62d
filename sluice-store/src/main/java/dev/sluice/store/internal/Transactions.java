package dev.sluice.store.internal;

import dev.sluice.store.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** DDL run in one transaction under the dialect's DDL lock. */
public final class Transactions {
    private Transactions() {
    }

    /** Runs {@code statements} in one transaction on {@code c} (auto-commit must be off), under the DDL lock. */
    public static void ddl(Connection c, Dialect dialect, Iterable<String> statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (dialect.ddlLock().isPresent()) {
                st.execute(dialect.ddlLock().get());
            }
            for (String sql : statements) {
                st.execute(sql);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }
}
