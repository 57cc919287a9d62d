package dev.sluice.cli.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.CommandFailure;
import dev.sluice.cli.options.DatabaseOption;
import dev.sluice.pull.Remainder;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.StatusReport;
import dev.sluice.sync.SyncState;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice status}: every kind of job a database holds — backfill jobs (their streams, what of their range is
 * left, how many rows each table holds), syncs (cursor, phase), replays (checkpoint, lag behind now, last commit) and
 * push-ingest batches (open, sealed, expired).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show every job in the database: backfills (streams, remaining ranges, rows), syncs (cursor, "
                + "phase), replays (checkpoint, lag, last commit) and ingest batches (open, sealed, expired).")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    DatabaseOption db;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() {
        DatabaseUrl url = db.url();
        if (url.file().isPresent() && !url.file().get().toFile().exists()) {
            throw CommandFailure.cannotStart("--db: no database at " + url.file().get() + " (nothing has run there"
                    + " yet)", null);
        }
        StatusReport report;
        try (Database database = db.open(1)) {
            report = StatusReport.read(database);
        }
        Instant now = Instant.now();
        if (json) {
            System.out.println(toJson(report, now));
        } else {
            print(report, now);
        }
        return 0;
    }

    /** How far a replay's checkpoint is behind {@code now}, in seconds (0 when it is ahead). */
    private static double lagSeconds(StatusReport.ReplayStatus r, Instant now) {
        long nowUs = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        return Math.max(0, nowUs - r.checkpointUs()) / 1e6;
    }

    private static Instant ofMicros(long us) {
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000);
    }

    private static void print(StatusReport report, Instant now) {
        if (report.empty()) {
            System.out.println("No jobs yet: nothing has run on this database.");
            return;
        }
        for (SyncState sync : report.syncs()) {
            System.out.printf(Locale.ROOT, "sync %s%s: %s, events cursor %s (%,d s ago), streams %s%n", sync.job(),
                    sync.account().isEmpty() ? "" : " account " + sync.account(),
                    sync.phase() == SyncState.Phase.EVENTS ? "following events"
                            : "backfilling " + String.join(", ", sync.backfilling()),
                    Instant.ofEpochSecond(sync.cursor()), Math.max(0, now.getEpochSecond() - sync.cursor()),
                    String.join(", ", sync.streams()));
        }
        for (StatusReport.JobStatus job : report.jobs()) {
            System.out.printf("job %s: %s%n", job.job(), job.done() ? "done" : "unfinished");
            for (StatusReport.StreamStatus s : job.streams()) {
                System.out.printf(Locale.ROOT, "  %-18s %,10d rows (%,d deleted)  range [%s, %s)  %s  updated %s%n",
                        s.namespace() + "." + s.stream(), s.rows(), s.deleted(), Instant.ofEpochSecond(s.range().gte()),
                        Instant.ofEpochSecond(s.range().lt()),
                        s.done() ? "done" : s.remaining().size() + " ranges left", s.updatedAt());
                for (Remainder r : s.remaining()) {
                    System.out.printf("      left: [%d, %d)%s%n", r.gte(), r.lt(),
                            r.cursor() == null ? "" : " after " + r.cursor());
                }
            }
        }
        for (StatusReport.ReplayStatus r : report.replays()) {
            System.out.printf(Locale.ROOT, "replay %s: checkpoint %d (%s, %s behind now), %d lane%s, last commit %s%n",
                    r.job(), r.checkpointUs(), ofMicros(r.checkpointUs()), lag(lagSeconds(r, now)), r.lanes(),
                    r.lanes() == 1 ? "" : "s", r.updatedAt());
        }
        StatusReport.BatchCounts b = report.batches();
        if (b.total() > 0) {
            System.out.printf(Locale.ROOT, "ingest batches: %,d open, %,d sealed, %,d expired%n", b.open(), b.sealed(),
                    b.expired());
        }
    }

    /** {@code 42 s}, {@code 3.5 min}, {@code 2.1 h}, {@code 4.0 d}. */
    private static String lag(double seconds) {
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        if (seconds < 7200) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        return seconds < 172_800 ? String.format(Locale.ROOT, "%.1f h", seconds / 3600)
                : String.format(Locale.ROOT, "%.1f d", seconds / 86_400);
    }

    private static String toJson(StatusReport report, Instant now) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ArrayNode jobs = root.putArray("jobs");
        for (StatusReport.JobStatus job : report.jobs()) {
            ObjectNode j = jobs.addObject();
            j.put("job", job.job());
            j.put("done", job.done());
            ArrayNode streams = j.putArray("streams");
            for (StatusReport.StreamStatus s : job.streams()) {
                ObjectNode o = streams.addObject();
                o.put("namespace", s.namespace());
                o.put("stream", s.stream());
                o.put("range_gte", s.range().gte());
                o.put("range_lt", s.range().lt());
                o.put("done", s.done());
                o.put("rows", s.rows());
                o.put("deleted", s.deleted());
                o.put("updated_at", String.valueOf(s.updatedAt()));
                ArrayNode rem = o.putArray("remaining");
                for (Remainder r : s.remaining()) {
                    rem.addObject().put("gte", r.gte()).put("lt", r.lt()).put("cursor", r.cursor());
                }
            }
        }
        ArrayNode syncs = root.putArray("syncs");
        for (SyncState sync : report.syncs()) {
            ObjectNode o = syncs.addObject();
            o.put("job", sync.job());
            o.put("account", sync.account());
            o.put("namespace", sync.namespace());
            o.put("phase", sync.phase().name().toLowerCase(Locale.ROOT));
            o.put("cursor", sync.cursor());
            ArrayNode streams = o.putArray("streams");
            sync.streams().forEach(streams::add);
            ArrayNode backfilling = o.putArray("backfilling");
            sync.backfilling().forEach(backfilling::add);
        }
        ArrayNode replays = root.putArray("replays");
        for (StatusReport.ReplayStatus r : report.replays()) {
            replays.addObject().put("job", r.job()).put("checkpoint_us", r.checkpointUs())
                    .put("lag_seconds", Math.round(lagSeconds(r, now) * 1000) / 1000.0).put("lanes", r.lanes())
                    .put("updated_at", r.updatedAt().toString());
        }
        StatusReport.BatchCounts b = report.batches();
        root.putObject("batches").put("open", b.open()).put("sealed", b.sealed()).put("expired", b.expired());
        return root.toString();
    }
}
