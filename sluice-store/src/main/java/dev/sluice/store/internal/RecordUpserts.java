package dev.sluice.store.internal;

import dev.sluice.pull.SourceRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Upserts pulled records into a stream's table inside the caller's transaction: multi-row statements of at most
 * {@value #CHUNK} rows, each record only when newer than the stored one (the dialect's statement), never over a
 * tombstone, never restoring an object removed as deleted. Records with one id are collapsed first to the highest
 * version (PostgreSQL refuses a statement that touches a row twice), in id order so concurrent committers lock rows
 * in the same order.
 */
public final class RecordUpserts {
    public static final int CHUNK = 500;

    private final Dialect dialect;
    private final Deletions deletions;

    public RecordUpserts(Dialect dialect) {
        this.dialect = dialect;
        this.deletions = new Deletions(dialect);
    }

    public void apply(Connection c, String namespace, String stream, List<SourceRecord> all, long now)
            throws SQLException {
        List<SourceRecord> records = withoutRemoved(c, namespace, stream, latestById(all));
        if (records.isEmpty()) {
            return;
        }
        PreparedStatement full = null;
        try {
            for (int from = 0; from < records.size(); from += CHUNK) {
                List<SourceRecord> chunk = records.subList(from, Math.min(records.size(), from + CHUNK));
                if (chunk.size() == CHUNK) {
                    if (full == null) {
                        full = c.prepareStatement(dialect.upsertRecords(namespace, stream, CHUNK));
                    }
                    bind(full, chunk, now);
                    full.executeUpdate();
                } else {
                    try (PreparedStatement ps = c.prepareStatement(
                            dialect.upsertRecords(namespace, stream, chunk.size()))) {
                        bind(ps, chunk, now);
                        ps.executeUpdate();
                    }
                }
            }
        } finally {
            if (full != null) {
                full.close();
            }
        }
    }

    private void bind(PreparedStatement ps, List<SourceRecord> chunk, long now) throws SQLException {
        int i = 1;
        for (SourceRecord r : chunk) {
            ps.setString(i++, r.id());
            ps.setLong(i++, r.created());
            ps.setLong(i++, r.version());
            ps.setString(i++, r.json());
            dialect.bindInstant(ps, i++, now);
        }
    }

    /** The records less the objects removed as deleted ({@code --deletes remove}): a list page never restores one. */
    private List<SourceRecord> withoutRemoved(Connection c, String namespace, String stream, List<SourceRecord> records)
            throws SQLException {
        Set<String> removed = deletions.known(c, namespace, stream,
                records.stream().map(SourceRecord::id).toList()).keySet();
        if (removed.isEmpty()) {
            return records;
        }
        List<SourceRecord> kept = new ArrayList<>(records.size());
        for (SourceRecord r : records) {
            if (!removed.contains(r.id())) {
                kept.add(r);
            }
        }
        return kept;
    }

    /** One record per id, the highest version (the first of equals), in id order. */
    public static List<SourceRecord> latestById(List<SourceRecord> records) {
        Map<String, SourceRecord> byId = new TreeMap<>();
        for (SourceRecord r : records) {
            byId.merge(r.id(), r, (kept, next) -> next.version() > kept.version() ? next : kept);
        }
        return new ArrayList<>(byId.values());
    }
}
