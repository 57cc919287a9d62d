package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/** The bench's results as one JSON object (for scripts and the docs) and as a Markdown table (for people). */
public final class BenchReport {
    private BenchReport() {
    }

    public static ObjectNode json(MachineInfo machine, BackfillBench.Scenario scenario, List<BenchRun> runs) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode o = mapper.createObjectNode();
        o.put("bench", "backfill");
        o.set("machine", machine.toJson());
        ObjectNode p = o.putObject("params");
        ArrayNode profiles = p.putArray("profiles");
        scenario.profileLabels().forEach(profiles::add);
        if (scenario.dataset() != null) {
            p.put("dataset", scenario.dataset().toString());
        } else {
            p.put("objects", scenario.objects());
            p.put("seed", scenario.seed());
        }
        ArrayNode resources = p.putArray("resources");
        scenario.resources().forEach(resources::add);
        p.put("rps", scenario.rps());
        p.put("client_rps", scenario.clientRps());
        p.put("rps_unknown", scenario.rpsUnknown());
        p.put("latency_ms", scenario.latencyMs());
        p.put("latency_jitter_ms", scenario.latencyJitterMs());
        p.put("warmup", scenario.warmup());
        ArrayNode planners = p.putArray("planners");
        scenario.planners().forEach(planners::add);
        ArrayNode rs = o.putArray("runs");
        for (BenchRun r : runs) {
            ObjectNode j = rs.addObject();
            j.put("profile", r.profile());
            j.put("planner", r.planner());
            j.put("seconds", round(r.seconds(), 3));
            j.put("requests", r.requests());
            j.put("wasted_requests", r.wastedRequests());
            j.put("http_429", r.http429());
            j.put("http_429_share", round(r.http429Share(), 4));
            j.put("max_requests_in_any_1s_window", r.maxRequestsInAny1sWindow());
            j.put("pages_min", r.pagesMin());
            j.put("bound_seconds", round(r.boundSeconds(), 3));
            j.put("efficiency", round(r.efficiency(), 3));
            j.put("complete", r.complete());
            j.put("peak_heap_mb", r.peakHeapMb());
            if (r.failure() != null) {
                j.put("failure", r.failure());
            }
        }
        return o;
    }

    public static String markdown(List<BenchRun> runs) {
        StringBuilder s = new StringBuilder();
        s.append("| profile | planner | seconds | requests | wasted | 429 | 429 share | max in 1 s | pages_min "
                + "| bound s | efficiency | complete | peak heap MB |\n");
        s.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|\n");
        for (BenchRun r : runs) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %d | %d | %d | %.1f%% | %d | %d | %.1f | %.2f "
                    + "| %s | %.0f |%n", r.profile(), r.planner(), r.seconds(), r.requests(), r.wastedRequests(),
                    r.http429(), 100 * r.http429Share(), r.maxRequestsInAny1sWindow(), r.pagesMin(),
                    r.boundSeconds(), r.efficiency(), r.complete() ? "yes" : "**no**", r.peakHeapMb()));
        }
        return s.toString();
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
