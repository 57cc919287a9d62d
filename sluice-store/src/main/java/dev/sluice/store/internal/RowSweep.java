package dev.sluice.store.internal;

import dev.sluice.sync.DeletionMode;
import dev.sluice.time.TimeRange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * After a complete fresh listing of a stream over a range: the rows in that range that were written before the
 * listing began, and not written since, belong to objects deleted while no events were read — lists never show
 * deleted objects. They become deletions.
 *
 * <p>NOTE: "not written since" is {@code synced_at} before the listing's start and a version below it: a row the
 * listing saw was either written again (a later {@code synced_at}) or kept because it held a newer version than the
 * listed copy, whose version is its receipt time, after the start.
 */
public final class RowSweep {
    private final Dialect dialect;

    public RowSweep(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Marks (or removes and remembers) the unlisted rows; returns how many. */
    public long unlisted(Connection c, String namespace, String stream, TimeRange range, long startedMillis,
            DeletionMode deletes, long nowMillis) throws SQLException {
        String table = dialect.tableName(namespace, stream);
        String where = " WHERE NOT deleted AND created >= ? AND created < ? AND synced_at < ? AND version < ?";
        if (deletes == DeletionMode.TOMBSTONE) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                    + " SET deleted = true, version = ?, synced_at = ?" + where)) {
                ps.setLong(1, startedMillis);
                dialect.bindInstant(ps, 2, nowMillis);
                bindWhere(ps, 3, range, startedMillis);
                return ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sluice_deletions"
                + " (namespace, stream, id, version, deleted_at) SELECT ?, ?, id, ?, ? FROM " + table + where
                + " ON CONFLICT (namespace, stream, id) DO NOTHING")) {
            ps.setString(1, namespace);
            ps.setString(2, stream);
            ps.setLong(3, startedMillis);
            dialect.bindInstant(ps, 4, nowMillis);
            bindWhere(ps, 5, range, startedMillis);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + where)) {
            bindWhere(ps, 1, range, startedMillis);
            return ps.executeUpdate();
        }
    }

    private void bindWhere(PreparedStatement ps, int first, TimeRange range, long startedMillis) throws SQLException {
        ps.setLong(first, range.gte());
        ps.setLong(first + 1, range.lt());
        dialect.bindInstant(ps, first + 2, startedMillis);
        ps.setLong(first + 3, startedMillis);
    }
}
