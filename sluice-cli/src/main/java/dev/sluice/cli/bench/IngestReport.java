package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.server.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The ingest bench's results as JSON and as a Markdown table, with the targets checked (not asserted). */
public final class IngestReport {
    static final String RSS_NOTE = "peak_rss_mb and cpu_s are the whole JVM's (server, HTTP client, JDBC driver, JIT "
            + "and GC share one process; a PostgreSQL server's own processes are not counted), from /proc/self/status "
            + "VmHWM/VmRSS and the process CPU time during the run";

    /**
     * One target of the issue.
     *
     * @param value {@code NaN} when a run it needs is missing or incomplete
     */
    public record Target(String scenario, String check, double value, double target) {
        public boolean met() {
            return value >= target;
        }
    }

    /**
     * A measured bound, not a target: the HTTP transfer alone ({@code http} mode) against the limit and against
     * {@code sluice}, and the most {@code sluice / limit} can be on this machine's cores (see {@link #bounds}).
     *
     * @param value {@code NaN} when a run it needs is missing or incomplete
     */
    public record Bound(String scenario, String check, double value) {
    }

    static final int CORES = Runtime.getRuntime().availableProcessors();

    private IngestReport() {
    }

    public static ObjectNode json(MachineInfo machine, IngestBench.Plan plan, ServerConfig server, String dbLabel,
            List<IngestRun> runs) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode o = mapper.createObjectNode();
        o.put("bench", "ingest");
        o.set("machine", machine.toJson());
        ObjectNode p = o.putObject("params");
        p.put("db", dbLabel);
        ArrayNode scenarios = p.putArray("scenarios");
        for (IngestBench.Scenario s : plan.scenarios()) {
            scenarios.addObject().put("scenario", s.name()).put("items", s.items())
                    .put("payload_bytes", s.payloadBytes()).put("offloaded", s.offloaded());
        }
        p.put("ingest_concurrency", server.ingestConcurrency());
        p.put("offload_threshold_bytes", server.offloadThresholdBytes());
        p.put("per_item_concurrency", IngestBaselines.CONCURRENCY);
        p.put("warmup", plan.warmup());
        p.put("repeat", plan.repeat());
        p.put("seed", plan.seed());
        p.put("mb", "10^6 payload bytes");
        p.put("rss", RSS_NOTE);
        ArrayNode rs = o.putArray("runs");
        for (IngestRun r : runs) {
            ObjectNode j = rs.addObject();
            j.put("scenario", r.scenario());
            j.put("mode", r.mode());
            j.put("items", r.items());
            j.put("seconds", round(r.seconds(), 6));
            if (r.allSeconds().size() > 1) {
                ArrayNode all = j.putArray("seconds_all");
                r.allSeconds().forEach(x -> all.add(round(x, 6)));
            }
            j.put("items_per_s", round(r.itemsPerSecond(), 1));
            j.put("mb_per_s", round(r.mbPerSecond(), 2));
            putNumber(j, "limit_ratio", r.limitRatio(), 3);
            j.put("peak_rss_mb", round(r.peakRssMb(), 1));
            putNumber(j, "cpu_s", r.cpuSeconds(), 3);
            putNumber(j, "cpu_cores", r.cores(), 2);
            j.put("complete", r.complete());
            if (r.failure() != null) {
                j.put("failure", r.failure());
            }
        }
        ArrayNode ts = o.putArray("targets");
        for (Target t : targets(runs)) {
            ObjectNode j = ts.addObject();
            j.put("scenario", t.scenario());
            j.put("check", t.check());
            putNumber(j, "value", t.value(), 3);
            j.put("target", t.target());
            j.put("met", t.met());
        }
        o.put("cores", CORES);
        ArrayNode bs = o.putArray("bounds");
        for (Bound b : bounds(runs, CORES)) {
            ObjectNode j = bs.addObject();
            j.put("scenario", b.scenario());
            j.put("check", b.check());
            putNumber(j, "value", b.value(), 3);
        }
        return o;
    }

    private static void putNumber(ObjectNode j, String field, double v, int digits) {
        if (Double.isNaN(v)) {
            j.putNull(field);
        } else {
            j.put(field, round(v, digits));
        }
    }

    /** The targets: small ≥ 0.5× limit and ≥ 10× per-item; large ≥ 0.7× the raw object-store speed. */
    public static List<Target> targets(List<IngestRun> runs) {
        List<Target> out = new ArrayList<>();
        if (find(runs, "small", "sluice").isPresent() || find(runs, "small", "limit").isPresent()) {
            double sluice = rate(runs, "small", "sluice");
            out.add(new Target("small", "sluice / limit", sluice / rate(runs, "small", "limit"), 0.5));
            out.add(new Target("small", "sluice / per-item", sluice / rate(runs, "small", "per-item"), 10));
        }
        if (find(runs, "large", "sluice").isPresent() || find(runs, "large", "limit").isPresent()) {
            out.add(new Target("large", "sluice / limit (raw object store)",
                    rate(runs, "large", "sluice") / rate(runs, "large", "limit"), 0.7));
        }
        return out;
    }

    /**
     * For each scenario with an {@code http} run: it against the limit, {@code sluice} against it, and for the
     * offloaded scenario the most {@code sluice / limit} can be on {@code cores} cores. The server does both the
     * transfer and the writes, so it needs at least their CPU time together: it cannot finish before
     * {@code (cpu(limit) + cpu(http)) / cores}, nor before either run alone.
     */
    public static List<Bound> bounds(List<IngestRun> runs, int cores) {
        List<Bound> out = new ArrayList<>();
        for (String scenario : List.of("small", "large")) {
            Optional<IngestRun> httpRun = find(runs, scenario, "http");
            if (httpRun.isEmpty()) {
                continue;
            }
            Optional<IngestRun> http = httpRun.filter(IngestRun::complete);
            double httpRate = rate(runs, scenario, "http");
            out.add(new Bound(scenario, "http / limit (the transfer alone)", httpRate / rate(runs, scenario, "limit")));
            out.add(new Bound(scenario, "sluice / http", rate(runs, scenario, "sluice") / httpRate));
            Optional<IngestRun> limit = find(runs, scenario, "limit").filter(IngestRun::complete);
            if (scenario.equals("large") && http.isPresent() && limit.isPresent()) {
                double shortest = Math.max(Math.max(limit.get().seconds(), http.get().seconds()),
                        (limit.get().cpuSeconds() + http.get().cpuSeconds()) / cores);
                out.add(new Bound(scenario, "sluice / limit, at most (the CPU of limit and http together, on "
                        + cores + " cores)", limit.get().seconds() / shortest));
            }
        }
        return out;
    }

    private static Optional<IngestRun> find(List<IngestRun> runs, String scenario, String mode) {
        return runs.stream().filter(r -> r.scenario().equals(scenario) && r.mode().equals(mode)).findFirst();
    }

    private static double rate(List<IngestRun> runs, String scenario, String mode) {
        return find(runs, scenario, mode).filter(IngestRun::complete).map(IngestRun::itemsPerSecond)
                .orElse(Double.NaN);
    }

    public static String markdown(List<IngestRun> runs) {
        StringBuilder s = new StringBuilder();
        s.append("| scenario | mode | items | seconds | items/s | MB/s | limit ratio | CPU cores | peak RSS MB"
                + " | complete |\n");
        s.append("|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n");
        for (IngestRun r : runs) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.0f | %.1f | %s | %s | %.0f | %s |%n",
                    r.scenario(), r.mode(), r.items(), r.seconds(), r.itemsPerSecond(), r.mbPerSecond(),
                    Double.isNaN(r.limitRatio()) ? "–" : String.format(Locale.ROOT, "%.2f", r.limitRatio()),
                    Double.isNaN(r.cores()) ? "–" : String.format(Locale.ROOT, "%.2f", r.cores()),
                    r.peakRssMb(), r.complete() ? "yes" : "**no**"));
        }
        for (IngestRun r : runs) {
            if (r.allSeconds().size() > 1) {
                s.append(String.format(Locale.ROOT, "%n- %s: the median of %d runs (seconds: %s)", r.name(),
                        r.allSeconds().size(), r.allSeconds().stream()
                                .map(x -> String.format(Locale.ROOT, "%.2f", x)).collect(Collectors.joining(", "))));
            }
        }
        List<Target> targets = targets(runs);
        if (!targets.isEmpty()) {
            s.append('\n');
            for (Target t : targets) {
                s.append(String.format(Locale.ROOT, "- %s: %s = %s (target ≥ %s): %s%n", t.scenario(), t.check(),
                        Double.isNaN(t.value()) ? "n/a" : String.format(Locale.ROOT, "%.3f", t.value()),
                        t.target() == Math.rint(t.target()) ? String.valueOf((long) t.target()) : String.valueOf(t.target()),
                        Double.isNaN(t.value()) ? "not measured" : t.met() ? "met" : "**missed**"));
            }
        }
        for (Bound b : bounds(runs, CORES)) {
            s.append(String.format(Locale.ROOT, "- %s: %s = %s (a bound, not a target)%n", b.scenario(), b.check(),
                    Double.isNaN(b.value()) ? "n/a" : String.format(Locale.ROOT, "%.3f", b.value())));
        }
        s.append("\n").append(RSS_NOTE).append(".\n");
        return s.toString();
    }

    private static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
