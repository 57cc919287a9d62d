package dev.sluice.cli.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.pull.BackfillSummary;
import dev.sluice.pull.run.BackfillResult;
import dev.sluice.pull.run.RequestCounts;
import dev.sluice.pull.run.StreamOutcome;
import dev.sluice.sync.rule.StartRule;
import dev.sluice.sync.run.SyncStats;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The end-of-run report of a sync, as text for people or as one JSON object ({@code --json}) for scripts. */
public final class SyncSummary {
    private SyncSummary() {
    }

    public static ObjectNode json(StripeSync.Outcome o) {
        SyncStats.Snapshot s = o.sync().stats();
        ObjectNode j = new ObjectMapper().createObjectNode();
        j.put("job", o.sync().job());
        j.put("complete", o.sync().complete());
        j.put("stopped", o.sync().stopped());
        j.put("deletes", o.deletes().flag());
        ArrayNode steps = j.putArray("steps");
        o.sync().steps().forEach(k -> steps.add(k.name().toLowerCase(Locale.ROOT)));
        j.put("events_read", s.eventsRead());
        j.put("events_already_applied", s.duplicates());
        j.put("changes_applied", s.applied());
        j.put("changes_skipped", s.skipped());
        j.put("rereads", s.rereads());
        j.put("deleted_by_backfill", s.swept());
        ObjectNode types = j.putObject("skipped_event_types");
        s.skippedTypes().forEach(types::put);
        ObjectNode requests = j.putObject("requests");
        long list = 0;
        long nested = s.nested().requests();
        for (BackfillResult b : o.backfills()) {
            list += b.stats().requests();
            nested += b.stats().nestedRequests();
        }
        requests.put("list", list);
        requests.put("events", s.events().requests());
        requests.put("nested_requests", nested);
        requests.put("rereads", s.rereadRequests().requests());
        RequestCounts.Snapshot sync = s.events().plus(s.nested()).plus(s.rereadRequests());
        requests.put("http_429", sync.throttled() + o.backfills().stream().mapToLong(b -> b.stats().throttled()).sum());
        requests.put("retries", sync.retries() + o.backfills().stream().mapToLong(b -> b.stats().retries()).sum());
        if (s.cursor() >= 0) {
            j.put("cursor", s.cursor());
            j.put("lag_seconds", s.lagSeconds());
        }
        ArrayNode backfills = j.putArray("backfills");
        o.backfills().forEach(b -> backfills.add(BackfillSummary.json(b)));
        return j;
    }

    public static void text(StripeSync.Outcome o, PrintStream out) {
        SyncStats.Snapshot s = o.sync().stats();
        String state = o.sync().stopped() ? "Stopped" : !o.sync().complete() ? "Incomplete" : "Caught up";
        out.printf(Locale.ROOT, "%s: job %s (deletions kept as %s)%n", state, o.sync().job(),
                o.deletes().flag() + (o.deletes().flag().equals("tombstone") ? "s" : "d rows"));
        List<StartRule.Kind> kinds = o.sync().steps().stream().filter(k -> k != StartRule.Kind.EVENTS).toList();
        for (int i = 0; i < o.backfills().size(); i++) {
            BackfillResult b = o.backfills().get(i);
            String why = i < kinds.size() ? kinds.get(i).name().toLowerCase(Locale.ROOT).replace("backfill_", "") : "";
            out.printf(Locale.ROOT, "  backfill  %s: %,d objects of %s in %.1f s, %,d requests (%,d × 429)%s%n", why,
                    b.stats().objects(), String.join(", ", b.streams().stream().map(x -> x.stream()).toList()),
                    b.seconds(), b.stats().requests(), b.stats().throttled(), b.complete() ? "" : ", NOT complete");
            b.streams().stream().filter(StreamOutcome::failed).forEach(f -> out.printf(Locale.ROOT,
                    "            %s FAILED: %s%n", f.stream(), f.error()));
        }
        out.printf(Locale.ROOT, "  events    %,d read, %,d of them already applied%n", s.eventsRead(), s.duplicates());
        out.printf(Locale.ROOT, "  changes   %,d applied, %,d skipped (not newer), %,d objects re-read%n",
                s.applied(), s.skipped(), s.rereads());
        if (s.swept() > 0) {
            out.printf(Locale.ROOT, "  deleted   %,d rows the backfill did not list again%n", s.swept());
        }
        if (!s.skippedTypes().isEmpty()) {
            StringBuilder types = new StringBuilder();
            for (Map.Entry<String, Long> e : s.skippedTypes().entrySet()) {
                types.append(types.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
            }
            out.printf(Locale.ROOT, "  ignored   %,d events of types not used: %s%n", s.skippedEvents(), types);
        }
        long list = o.backfills().stream().mapToLong(b -> b.stats().requests()).sum();
        long nested = s.nested().requests() + o.backfills().stream().mapToLong(b -> b.stats().nestedRequests()).sum();
        out.printf(Locale.ROOT, "  requests  %,d list, %,d events, %,d nested lists, %,d re-reads%n", list,
                s.events().requests(), nested, s.rereadRequests().requests());
        if (s.cursor() >= 0) {
            out.printf(Locale.ROOT, "  cursor    %s, %,d s behind now%n", Instant.ofEpochSecond(s.cursor()),
                    s.lagSeconds());
        }
    }
}
