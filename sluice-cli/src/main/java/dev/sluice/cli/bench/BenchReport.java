package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
        o.set("summary", summaryJson(mapper, runs));
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
            j.put("requests_per_pages_min", round(r.requestRatio(), 4));
            j.put("partial_pages", r.partialPages());
            j.put("segments", r.segments());
            j.put("complete", r.complete());
            j.put("peak_heap_mb", r.peakHeapMb());
            if (r.failure() != null) {
                j.put("failure", r.failure());
            }
        }
        return o;
    }

    /** Per planner over all its runs: minimum and median efficiency, worst request ratio, 429s in all. */
    static ObjectNode summaryJson(ObjectMapper mapper, List<BenchRun> runs) {
        ObjectNode o = mapper.createObjectNode();
        for (Map.Entry<String, List<BenchRun>> e : byPlanner(runs).entrySet()) {
            ObjectNode j = o.putObject(e.getKey());
            double[] eff = e.getValue().stream().mapToDouble(BenchRun::efficiency).sorted().toArray();
            j.put("runs", eff.length);
            j.put("efficiency_min", round(eff[0], 3));
            j.put("efficiency_median", round(median(eff), 3));
            j.put("requests_per_pages_min_max",
                    round(e.getValue().stream().mapToDouble(BenchRun::requestRatio).max().orElse(0), 4));
            j.put("http_429", e.getValue().stream().mapToLong(BenchRun::http429).sum());
            j.put("http_429_share_max",
                    round(e.getValue().stream().mapToDouble(BenchRun::http429Share).max().orElse(0), 4));
        }
        return o;
    }

    /** The summary as a Markdown table, one row per planner. */
    public static String summaryMarkdown(List<BenchRun> runs) {
        StringBuilder s = new StringBuilder("| planner | runs | efficiency min | efficiency median "
                + "| requests/pages_min max | 429 | 429 share max |\n|---|--:|--:|--:|--:|--:|--:|\n");
        ObjectNode summary = summaryJson(new ObjectMapper(), runs);
        summary.properties().forEach(e -> {
            var j = e.getValue();
            s.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %d | %.1f%% |%n", e.getKey(),
                    j.path("runs").asInt(), j.path("efficiency_min").asDouble(),
                    j.path("efficiency_median").asDouble(), j.path("requests_per_pages_min_max").asDouble(),
                    j.path("http_429").asLong(), 100 * j.path("http_429_share_max").asDouble()));
        });
        return s.toString();
    }

    private static Map<String, List<BenchRun>> byPlanner(List<BenchRun> runs) {
        Map<String, List<BenchRun>> out = new LinkedHashMap<>();
        for (BenchRun r : runs) {
            out.computeIfAbsent(r.planner(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public static String markdown(List<BenchRun> runs) {
        StringBuilder s = new StringBuilder();
        s.append("| profile | planner | seconds | requests | requests/pages_min | empty | partial | segments | 429 "
                + "| 429 share | max in 1 s | pages_min | bound s | efficiency | complete | peak heap MB |\n");
        s.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|\n");
        for (BenchRun r : runs) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %d | %.3f | %d | %d | %d | %d | %.1f%% | %d | %d "
                    + "| %.1f | %.3f | %s | %.0f |%n", r.profile(), r.planner(), r.seconds(), r.requests(),
                    r.requestRatio(), r.wastedRequests(), r.partialPages(), r.segments(), r.http429(),
                    100 * r.http429Share(), r.maxRequestsInAny1sWindow(), r.pagesMin(), r.boundSeconds(),
                    r.efficiency(), r.complete() ? "yes" : "**no**", r.peakHeapMb()));
        }
        return s.toString();
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
