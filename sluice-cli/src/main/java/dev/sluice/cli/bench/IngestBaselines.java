package dev.sluice.cli.bench;

import dev.sluice.cli.bench.IngestBench.Scenario;
import dev.sluice.cli.bench.Stopwatch.Timed;
import dev.sluice.ingest.ItemRecord;
import dev.sluice.ingest.run.PayloadKeys;
import dev.sluice.objects.FileObjectStore;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcBatchStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;

/**
 * The ingest bench's two yardsticks, which store the same items without Sluice's server or HTTP: {@code per-item},
 * the original system's way (one transaction per item, {@value #CONCURRENCY} at a time), and {@code limit}, the
 * storage's own bulk path (PostgreSQL {@code COPY}, SQLite multi-row {@code INSERT}s in one transaction, or raw
 * object-store writes). See {@link IngestBench} for how they are run and compared.
 */
final class IngestBaselines {
    static final int CONCURRENCY = 10;
    static final int LIMIT_ROWS_PER_INSERT = 500;

    private IngestBaselines() {}

    /** For each index of {@code [0, items)}, once, {@code each} on one of {@value #CONCURRENCY} threads. */
    private static void eachIndex(int items, IndexTask each) throws Exception {
        AtomicLong next = new AtomicLong();
        try (ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < CONCURRENCY; w++) {
                workers.add(pool.submit(() -> {
                    for (long i = next.getAndIncrement(); i < items; i = next.getAndIncrement()) {
                        each.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        }
    }

    private interface IndexTask {
        void run(long index) throws Exception;
    }

    // ---- per-item: one transaction per item, 10 at a time

    static Timed perItem(Scenario s, IngestPayloads payloads, JdbcBatchStore store, FileObjectStore objects)
            throws Exception {
        Stopwatch watch = Stopwatch.start();
        String id = store.create(IngestBench.OWNER, s.items(), null, null).batch().id();
        eachIndex(s.items(), i -> {
            byte[] p = payloads.payload(i);
            ItemRecord r;
            if (s.offloaded()) {
                String key = PayloadKeys.of(id, i);
                objects.put(key, p);
                r = ItemRecord.offloaded(i, key, p.length);
            } else {
                r = ItemRecord.inline(i, new String(p, StandardCharsets.US_ASCII), p.length);
            }
            store.write(id, List.of(r));
        });
        if (!store.trySeal(id)) {
            throw new IllegalStateException("batch " + id + " did not seal after every item was written");
        }
        return watch.stop(id);
    }

    // ---- limit: the database's bulk path, or the object store's raw writes

    static Timed limitRows(Scenario s, IngestPayloads payloads, JdbcBatchStore store, Database db,
            DatabaseUrl.Kind kind) throws SQLException, IOException {
        String id = store.create(IngestBench.OWNER, s.items(), null, null).batch().id();
        long now = System.currentTimeMillis();
        Stopwatch watch = Stopwatch.start();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            if (kind == DatabaseUrl.Kind.POSTGRESQL) {
                String created = OffsetDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC).toString();
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY sluice_batch_items (batch_id, idx, payload,"
                        + " object_key, payload_bytes, error_code, error_message, created_at) FROM STDIN",
                        copyRows(id, s.items(), payloads, created));
            } else {
                insertRows(c, id, s.items(), payloads, now);
            }
            c.commit();
        }
        return watch.stop(id);
    }

    /** COPY text format rows; payloads hold no tab, newline or backslash (see {@link IngestPayloads}). */
    private static InputStream copyRows(String id, long count, IngestPayloads payloads, String created) {
        byte[] tail = ("\t\\N\t" + payloads.bytes() + "\t\\N\t\\N\t" + created + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        return new GeneratedLines(count, i -> {
            byte[] head = (id + "\t" + i + "\t").getBytes(StandardCharsets.US_ASCII);
            byte[] row = new byte[head.length + payloads.bytes() + tail.length];
            System.arraycopy(head, 0, row, 0, head.length);
            System.arraycopy(payloads.payload(i), 0, row, head.length, payloads.bytes());
            System.arraycopy(tail, 0, row, head.length + payloads.bytes(), tail.length);
            return row;
        });
    }

    private static void insertRows(Connection c, String id, int count, IngestPayloads payloads, long now)
            throws SQLException {
        PreparedStatement full = null;
        try {
            for (int from = 0; from < count; from += LIMIT_ROWS_PER_INSERT) {
                int rows = Math.min(LIMIT_ROWS_PER_INSERT, count - from);
                PreparedStatement ps = rows == LIMIT_ROWS_PER_INSERT && full != null ? full
                        : c.prepareStatement(plainInsert(rows));
                int p = 1;
                for (int i = from; i < from + rows; i++) {
                    ps.setString(p++, id);
                    ps.setLong(p++, i);
                    ps.setString(p++, new String(payloads.payload(i), StandardCharsets.US_ASCII));
                    ps.setString(p++, null);
                    ps.setLong(p++, payloads.bytes());
                    ps.setString(p++, null);
                    ps.setString(p++, null);
                    ps.setLong(p++, now);
                }
                ps.executeUpdate();
                if (rows == LIMIT_ROWS_PER_INSERT) {
                    full = ps;
                } else {
                    ps.close();
                }
            }
        } finally {
            if (full != null) {
                full.close();
            }
        }
    }

    private static String plainInsert(int rows) {
        StringBuilder sb = new StringBuilder("INSERT INTO sluice_batch_items (batch_id, idx, payload, object_key,"
                + " payload_bytes, error_code, error_message, created_at) VALUES ");
        for (int i = 0; i < rows; i++) {
            sb.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?)");
        }
        return sb.toString();
    }

    static Timed limitObjects(Scenario s, IngestPayloads payloads, FileObjectStore objects) throws Exception {
        Stopwatch watch = Stopwatch.start();
        eachIndex(s.items(), i -> objects.put(PayloadKeys.of("limit", i), payloads.payload(i)));
        return watch.stop(null);
    }
}
