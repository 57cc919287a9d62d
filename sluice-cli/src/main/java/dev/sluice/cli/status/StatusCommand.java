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

/** {@code sluice status}: every job's streams, what of their range is left, and how many rows each table holds. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show jobs, streams, remaining ranges and row counts.")
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
        if (json) {
            System.out.println(toJson(report));
        } else {
            print(report);
        }
        return 0;
    }

    private static void print(StatusReport report) {
        if (report.jobs().isEmpty()) {
            System.out.println("No jobs yet.");
            return;
        }
        for (SyncState sync : report.syncs()) {
            System.out.printf(Locale.ROOT, "sync %s%s: %s, events cursor %s (%,d s ago), streams %s%n", sync.job(),
                    sync.account().isEmpty() ? "" : " account " + sync.account(),
                    sync.phase() == SyncState.Phase.EVENTS ? "following events"
                            : "backfilling " + String.join(", ", sync.backfilling()),
                    Instant.ofEpochSecond(sync.cursor()), Math.max(0, Instant.now().getEpochSecond() - sync.cursor()),
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
    }

    private static String toJson(StatusReport report) {
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
        return root.toString();
    }
}
