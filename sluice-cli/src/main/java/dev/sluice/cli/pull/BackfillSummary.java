package dev.sluice.cli.pull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.pull.Remainder;
import dev.sluice.pull.run.BackfillResult;
import dev.sluice.pull.run.BackfillStats;
import dev.sluice.pull.run.StreamOutcome;
import java.io.PrintStream;
import java.util.Locale;

/** The end-of-run report, as text for people or as one JSON object ({@code --json}) for scripts. */
public final class BackfillSummary {
    private BackfillSummary() {
    }

    public static ObjectNode json(BackfillResult r) {
        BackfillStats.Snapshot s = r.stats();
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("job", r.job());
        o.put("planner", r.planner());
        o.put("complete", r.complete());
        o.put("seconds", round(r.seconds()));
        o.put("objects", s.objects());
        o.put("pages", s.pages());
        o.put("requests", s.requests());
        o.put("nested_requests", s.nestedRequests());
        o.put("wasted_requests", s.wasted());
        o.put("http_429", s.throttled());
        o.put("server_errors", s.serverErrors());
        o.put("transport_errors", s.transportErrors());
        o.put("retries", s.retries());
        o.put("requests_per_second", round(r.requestsPerSecond()));
        o.put("rate_limit", r.maxRate());
        o.put("objects_per_second", round(r.seconds() <= 0 ? 0 : s.objects() / r.seconds()));
        ArrayNode streams = o.putArray("streams");
        for (StreamOutcome so : r.streams()) {
            ObjectNode st = streams.addObject();
            st.put("stream", so.stream());
            st.put("objects", so.objects());
            st.put("done", so.done());
            st.put("range_gte", so.checkpoint().range().gte());
            st.put("range_lt", so.checkpoint().range().lt());
            ArrayNode rem = st.putArray("remaining");
            for (Remainder x : so.checkpoint().remaining()) {
                ObjectNode ro = rem.addObject();
                ro.put("gte", x.gte());
                ro.put("lt", x.lt());
                ro.put("cursor", x.cursor());
            }
            if (so.error() != null) {
                st.put("error", so.error());
            }
        }
        return o;
    }

    public static void text(BackfillResult r, PrintStream out) {
        BackfillStats.Snapshot s = r.stats();
        String end = r.complete() ? "Finished" : r.streams().stream().anyMatch(StreamOutcome::failed) ? "Failed"
                : "Stopped";
        out.printf(Locale.ROOT, "%s %s in %.1f s (planner %s)%n", end,
                r.job(), r.seconds(), r.planner());
        out.printf(Locale.ROOT, "  objects   %,d (%,.0f/s)%n", s.objects(), r.seconds() <= 0 ? 0.0 : s.objects() / r.seconds());
        out.printf(Locale.ROOT, "  pages     %,d%n", s.pages());
        out.printf(Locale.ROOT, "  requests  %,d at %.1f/s against a limit of %.1f/s (%.0f%%)%n", s.requests(),
                r.requestsPerSecond(), r.maxRate(), 100 * r.requestsPerSecond() / r.maxRate());
        out.printf(Locale.ROOT, "  wasted    %,d requests that brought no new object%n", s.wasted());
        if (s.nestedRequests() > 0) {
            out.printf(Locale.ROOT, "  nested    %,d requests completing invoices' lines%n", s.nestedRequests());
        }
        out.printf(Locale.ROOT, "  429s      %,d   5xx %,d   timeouts/drops %,d   retries %,d%n", s.throttled(),
                s.serverErrors(), s.transportErrors(), s.retries());
        for (StreamOutcome so : r.streams()) {
            String state = so.failed() ? "FAILED: " + so.error()
                    : so.done() ? "done" : so.checkpoint().remaining().size() + " ranges left";
            out.printf(Locale.ROOT, "  %-16s %,9d objects  %s%n", so.stream(), so.objects(), state);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
