package dev.sluice.store.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.sync.Change;
import dev.sluice.sync.Stored;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One object's row in its stream table, as the sync's apply path reads and writes it (list pages go in bulk through
 * {@link Dialect#upsertRecords}). The caller decides with the version rule under its locks; every write here also
 * carries a guard — a deleted row is never changed, and an upsert never replaces a higher version — so a writer that
 * does not take those locks (a backfill's list pages) cannot be overwritten by an older state.
 */
public final class ObjectRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Dialect dialect;

    public ObjectRows(Dialect dialect) {
        this.dialect = dialect;
    }

    /** The stored state of the rows among {@code ids}. */
    public Map<String, Stored> stored(Connection c, String namespace, String stream, Collection<String> ids)
            throws SQLException {
        Map<String, Stored> out = new HashMap<>();
        for (List<String> chunk : InList.chunks(ids)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, version, deleted FROM "
                    + dialect.tableName(namespace, stream) + " WHERE id IN (" + InList.placeholders(chunk.size())
                    + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new Stored(rs.getLong(2), rs.getBoolean(3)));
                    }
                }
            }
        }
        return out;
    }

    /** Writes an upsert's state, unless the row is deleted or holds a higher version. */
    public void upsert(Connection c, String namespace, Change change, long nowMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + dialect.tableName(namespace, change.stream())
                + " AS t (id, created, version, data, synced_at, deleted) VALUES (?, ?, ?, " + dialect.jsonBind()
                + ", ?, false) ON CONFLICT (id) DO UPDATE SET created = excluded.created,"
                + " version = excluded.version, data = excluded.data, synced_at = excluded.synced_at"
                + " WHERE NOT t.deleted AND t.version <= excluded.version")) {
            ps.setString(1, change.id());
            ps.setLong(2, change.created() == Change.UNKNOWN_CREATED ? createdOf(change) : change.created());
            ps.setLong(3, change.version());
            ps.setString(4, change.json());
            dialect.bindInstant(ps, 5, nowMillis);
            ps.executeUpdate();
        }
    }

    /**
     * Marks the object deleted, keeping its row with the deletion's data when it carries some, else the stored data
     * (or, for an object never stored, a stub {@code {"id":…,"deleted":true}}).
     */
    public void tombstone(Connection c, String namespace, Change deletion, long nowMillis) throws SQLException {
        boolean withData = deletion.json() != null;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + dialect.tableName(namespace, deletion.stream())
                + " AS t (id, created, version, data, synced_at, deleted) VALUES (?, ?, ?, " + dialect.jsonBind()
                + ", ?, true) ON CONFLICT (id) DO UPDATE SET version = excluded.version,"
                + " synced_at = excluded.synced_at, deleted = true" + (withData ? ", data = excluded.data" : "")
                + " WHERE NOT t.deleted")) {
            ps.setString(1, deletion.id());
            ps.setLong(2, deletion.created() == Change.UNKNOWN_CREATED ? createdOf(deletion) : deletion.created());
            ps.setLong(3, deletion.version());
            ps.setString(4, withData ? deletion.json() : stub(deletion.id()));
            dialect.bindInstant(ps, 5, nowMillis);
            ps.executeUpdate();
        }
    }

    /** Deletes the object's row. */
    public void remove(Connection c, String namespace, String stream, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + dialect.tableName(namespace, stream)
                + " WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    /** For a row made from a change without its object's {@code created}: the event's second, or 0. */
    private static long createdOf(Change c) {
        return c.event() != null ? c.event().second() : 0;
    }

    private static String stub(String id) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id);
        o.put("deleted", true);
        return o.toString();
    }
}
