package dev.sluice.store.internal;

import dev.sluice.ingest.ItemRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * How a group of one batch's items goes into {@code sluice_batch_items}, in the caller's transaction, each index at
 * most once: the key check and the write are one statement ({@code ON CONFLICT (batch_id, idx) DO NOTHING}, or a
 * {@code COPY} that the primary key refuses whole), never a separate check. One implementation per database, the
 * fastest each has.
 */
public interface ItemInsert {
    /** The item table's columns, in the order every implementation writes them. */
    String COLUMNS = "batch_id, idx, payload, object_key, payload_bytes, error_code, error_message, created_at";

    /**
     * Inserts {@code rows} (distinct indexes, ascending, so two transactions storing overlapping indexes never wait
     * on each other in a cycle) and returns how many were new; the others were stored already and are unchanged.
     *
     * @param createdAt the rows' {@code created_at}, epoch milliseconds
     */
    int insert(Connection c, String batchId, List<ItemRecord> rows, long createdAt) throws SQLException;
}
