package dev.sluice.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Transaction helpers: DDL in one transaction under the dialect's DDL lock, and a rollback that keeps its cause. */
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

    /**
     * Rolls back {@code c} after {@code cause} ended its transaction; a failure of the rollback itself is added to
     * {@code cause} as suppressed, so the first error is the one reported.
     */
    public static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Work inside one transaction. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} on a connection of {@code ds} in one transaction: committed when it returns, rolled back
     * when it throws (the work may also roll back itself and return).
     */
    public static <T> T inTransaction(DataSource ds, Work<T> work) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            }
        }
    }
}
