package dev.sluice.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Stream tables are made on demand, not by {@link Migrations}, so they are brought up to date here: a table made
 * before the {@code deleted} flag existed gets it (false for every row) the first time a run prepares it.
 */
public final class StreamTables {
    private StreamTables() {
    }

    /**
     * Creates the table of {@code namespace.stream} if absent and adds what an older one lacks, in one transaction
     * under the dialect's DDL lock ({@code c} must not be in auto-commit), so concurrent processes do it once.
     */
    public static void prepare(Connection c, Dialect dialect, String namespace, String stream) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (dialect.ddlLock().isPresent()) {
                st.execute(dialect.ddlLock().get());
            }
            for (String sql : dialect.createStreamTable(namespace, stream)) {
                st.execute(sql);
            }
            if (!dialect.hasColumn(c, namespace, stream, "deleted")) {
                st.execute(dialect.addDeletedColumn(namespace, stream));
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }
}
