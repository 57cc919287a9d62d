package dev.sluice.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code sluice_applied_events} table: the ids of the source events applied to a namespace's tables, by
 * whichever path (a poll, a webhook), so an event delivered twice or listed again is applied once. Kept for the
 * feed's retention, then pruned.
 */
public final class AppliedEvents {
    private final Dialect dialect;

    public AppliedEvents(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Records an event in the caller's transaction; false when it was recorded already (a concurrent transaction
     * recording the same id waits for this one and then finds it).
     */
    public boolean record(Connection c, String namespace, String eventId, long created, long nowMillis)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sluice_applied_events"
                + " (namespace, event_id, created, applied_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (namespace, event_id) DO NOTHING")) {
            ps.setString(1, namespace);
            ps.setString(2, eventId);
            ps.setLong(3, created);
            dialect.bindInstant(ps, 4, nowMillis);
            return ps.executeUpdate() == 1;
        }
    }

    /** Which of {@code eventIds} are recorded. */
    public Set<String> known(Connection c, String namespace, Collection<String> eventIds) throws SQLException {
        Set<String> out = new HashSet<>();
        for (List<String> chunk : InList.chunks(eventIds)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT event_id FROM sluice_applied_events"
                    + " WHERE namespace = ? AND event_id IN (" + InList.placeholders(chunk.size()) + ")")) {
                ps.setString(1, namespace);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 2, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    public long prune(Connection c, String namespace, long beforeSecond) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM sluice_applied_events WHERE namespace = ? AND created < ?")) {
            ps.setString(1, namespace);
            ps.setLong(2, beforeSecond);
            return ps.executeUpdate();
        }
    }
}
