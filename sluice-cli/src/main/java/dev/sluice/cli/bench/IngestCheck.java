package dev.sluice.cli.bench;

import dev.sluice.cli.bench.IngestBench.Scenario;
import dev.sluice.ingest.Batch;
import dev.sluice.ingest.run.PayloadKeys;
import dev.sluice.objects.FileObjectStore;
import dev.sluice.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.stream.Stream;

/** The check after each ingest bench run: every index stored exactly once, with its payload, and nothing more. */
final class IngestCheck {
    private IngestCheck() {}

    /**
     * {@code null} if the batch holds every index {@code 0..items-1} exactly once with the right payload size (and,
     * offloaded, a reference to an object of that size), and (for the server) is sealed; else what is wrong.
     */
    static String verifyRows(Database db, String batchId, Scenario s, FileObjectStore objects, boolean sealed)
            throws SQLException, IOException {
        try (Connection c = db.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COUNT(DISTINCT idx), MIN(idx),"
                    + " MAX(idx), COALESCE(SUM(payload_bytes), 0), COUNT(object_key), COUNT(error_code),"
                    + " COUNT(payload) FROM sluice_batch_items WHERE batch_id = ?")) {
                ps.setString(1, batchId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long count = rs.getLong(1);
                    long distinct = rs.getLong(2);
                    long min = rs.getLong(3);
                    long max = rs.getLong(4);
                    long bytes = rs.getLong(5);
                    long refs = rs.getLong(6);
                    long errors = rs.getLong(7);
                    long inline = rs.getLong(8);
                    if (count != s.items() || distinct != s.items() || (count > 0 && (min != 0 || max != s.items() - 1))) {
                        return String.format(Locale.ROOT, "batch %s holds %d rows, %d distinct indexes in [%d, %d];"
                                + " expected exactly the %d indexes 0..%d", batchId, count, distinct, min, max,
                                s.items(), s.items() - 1);
                    }
                    if (bytes != (long) s.items() * s.payloadBytes()) {
                        return "batch " + batchId + " payload bytes sum to " + bytes + ", expected "
                                + (long) s.items() * s.payloadBytes();
                    }
                    if (errors != 0) {
                        return "batch " + batchId + " holds " + errors + " failed items";
                    }
                    long wantRefs = s.offloaded() ? s.items() : 0;
                    if (refs != wantRefs || inline != s.items() - wantRefs) {
                        return "batch " + batchId + " has " + refs + " offloaded and " + inline
                                + " inline payloads; expected " + wantRefs + " offloaded";
                    }
                }
            }
            if (s.offloaded()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT idx, object_key FROM sluice_batch_items WHERE batch_id = ? ORDER BY idx")) {
                    ps.setString(1, batchId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Path f = objects.root().resolve(rs.getString(2));
                            if (!Files.isRegularFile(f) || Files.size(f) != s.payloadBytes()) {
                                return "item " + rs.getLong(1) + " of batch " + batchId + " refers to object "
                                        + rs.getString(2) + ", which is missing or not " + s.payloadBytes() + " bytes";
                            }
                        }
                    }
                }
            }
            if (sealed) {
                try (PreparedStatement ps = c.prepareStatement("SELECT status FROM sluice_batches WHERE id = ?")) {
                    ps.setString(1, batchId);
                    try (ResultSet rs = ps.executeQuery()) {
                        String status = rs.next() ? rs.getString(1) : "missing";
                        if (!status.equals(Batch.Status.SEALED.wire())) {
                            return "batch " + batchId + " is " + status + ", not sealed";
                        }
                    }
                }
            }
        }
        return null;
    }

    static String verifyObjects(FileObjectStore objects, String batchId, int items, int bytes) throws IOException {
        for (long i = 0; i < items; i++) {
            Path f = objects.root().resolve(PayloadKeys.of(batchId, i));
            if (!Files.isRegularFile(f) || Files.size(f) != bytes) {
                return "object " + PayloadKeys.of(batchId, i) + " is missing or not " + bytes + " bytes";
            }
        }
        try (Stream<Path> all = Files.list(objects.root().resolve(PayloadKeys.of(batchId, 0)).getParent())) {
            long n = all.count();
            if (n != items) {
                return "the object store holds " + n + " objects, expected " + items;
            }
        }
        return null;
    }
}
