package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * The replay bench's output: one JSON object (the earlier fields kept, the bound, the CPU and the paired windows
 * added) and a Markdown table of the same runs.
 */
final class ReplayReport {
    private ReplayReport() {}

    static ObjectNode json(ReplayBench.Plan plan, ReplayBench.Idle idle, ReplayBench.Bound bound,
                           List<ReplayBench.Run> runs) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("bench", "replay");
        o.set("machine", MachineInfo.current().toJson());
        ObjectNode cfg = o.putObject("config");
        cfg.put("events", plan.events());
        cfg.put("dids", plan.dids());
        cfg.put("pairs", plan.pairs());
        cfg.put("window_seconds", plan.windowSeconds());
        cfg.put("pgbench_rate", plan.pgbenchRate());
        cfg.put("pgbench_clients", plan.pgbenchClients());
        cfg.put("pgbench_scale", plan.pgbenchScale());
        cfg.put("canary_sql", plan.canarySql() == null ? "(the replay's default)" : plan.canarySql());
        cfg.put("replay_java_opts", String.join(" ", plan.replayJvm()));
        ObjectNode i = o.putObject("idle");
        i.put("foreground_p50_ms", idle.p50Ms());
        i.put("foreground_p99_ms", idle.p99Ms());
        i.put("foreground_transactions", idle.transactions());
        number(o, "bound_events_per_s", bound.eventsPerS());
        o.put("cpu_cores", bound.cores());
        ObjectNode b = o.putObject("bound");
        part(b.putObject("source"), bound.source());
        number(b.with("source"), "server_cpu_seconds", bound.serverCpuSeconds());
        part(b.putObject("sink"), bound.sink());
        part(b.putObject("copy"), bound.copy());
        ArrayNode list = o.putArray("runs");
        for (ReplayBench.Run r : runs) {
            ObjectNode j = list.addObject();
            j.put("mode", r.mode());
            j.put("events", r.events());
            j.put("seconds", r.seconds());
            j.put("events_per_s", r.eventsPerS());
            number(j, "bound_ratio", r.boundRatio());
            number(j, "limit_ratio", r.limitRatio());
            number(j, "foreground_p50_ms", r.foregroundP50Ms());
            number(j, "foreground_p99_ms", r.foregroundP99Ms());
            number(j, "foreground_p99_ratio", r.foregroundP99Ratio());
            j.put("foreground_transactions", r.foregroundTransactions());
            j.put("peak_rss_mb", r.peakRssMb());
            number(j, "cpu_cores", r.cpuCores());
            number(j, "cpu_ms_per_1k_events", r.cpuMsPer1kEvents());
            number(j, "server_cpu_share", r.serverCpuShare());
            j.put("cpu_priority", r.cpuPriority());
            j.put("governor", r.governor());
            if (r.paced() != null) {
                number(j, "p99_ratio_median", r.paced().replay().p99RatioMedian());
                number(j, "twin_p99_ratio", r.paced().twin().p99RatioMedian());
                number(j, "idle_spread", r.paced().replay().idleSpread());
                number(j, "twin_idle_spread", r.paced().twin().idleSpread());
                number(j, "own_cores", r.paced().twinOwnCores());
                number(j, "db_cores", r.paced().twinDbCores());
                windows(j.putArray("windows"), r.paced().replay());
                windows(j.putArray("twin_windows"), r.paced().twin());
            }
            if (r.failure() != null) {
                j.put("failure", r.failure());
            }
        }
        return o;
    }

    private static void part(ObjectNode o, ReplayBench.Part p) {
        o.put("events", p.events());
        o.put("seconds", p.seconds());
        o.put("events_per_s", p.eventsPerS());
        number(o, "cpu_seconds", p.cpuSeconds());
        number(o, "db_cpu_seconds", p.dbCpuSeconds());
        number(o, "cpu_ms_per_1k_events", p.cpuPerEvent() * 1e6);
    }

    private static void windows(ArrayNode a, PairedWindows.Result result) {
        for (PairedWindows.Window w : result.windows()) {
            ObjectNode o = a.addObject();
            o.put("running", w.running());
            number(o, "foreground_p50_ms", w.p50Ms());
            number(o, "foreground_p99_ms", w.p99Ms());
            o.put("foreground_transactions", w.transactions());
            if (w.events() >= 0) {
                o.put("events", w.events());
            }
            o.put("seconds", w.seconds());
            number(o, "own_cpu_cores", w.ownCpuSeconds() / w.seconds());
            number(o, "db_cpu_cores", w.backendCpuSeconds() / w.seconds());
        }
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }

    static String markdown(ReplayBench.Idle idle, ReplayBench.Bound bound, List<ReplayBench.Run> runs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Idle foreground: p50 %.2f ms, p99 %.2f ms (%,d transactions)%n%n",
                idle.p50Ms(), idle.p99Ms(), idle.transactions()));
        sb.append(String.format(Locale.ROOT, "Bound: %,.0f events/s on %d cores (source alone %,.0f/s at %.1f CPU ms/1k"
                        + " events, plus the history server's %.1f; sink alone %,.0f/s at %.1f; COPY %,.0f/s at %.1f)"
                        + "%n%n", bound.eventsPerS(), bound.cores(), bound.source().eventsPerS(),
                bound.source().cpuPerEvent() * 1e6, bound.serverCpuSeconds() / bound.source().events() * 1e6,
                bound.sink().eventsPerS(), bound.sink().cpuPerEvent() * 1e6, bound.copy().eventsPerS(),
                bound.copy().cpuPerEvent() * 1e6));
        sb.append("| mode | priority | events/s | ÷ bound | ÷ COPY | cores | CPU ms/1k ev | fg p99 ms | p99 ratio"
                + " | twin | idle spread | server CPU | peak RSS MB |\n");
        sb.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (ReplayBench.Run r : runs) {
            boolean paced = r.paced() != null;
            sb.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %s | %s | %.2f | %.1f | %s | %s | %s | %s | %s | %s |%n",
                    r.mode(), r.cpuPriority(), r.eventsPerS(), f(r.boundRatio()), f(r.limitRatio()), r.cpuCores(),
                    r.cpuMsPer1kEvents(), f(r.foregroundP99Ms()), f(r.foregroundP99Ratio()),
                    paced ? f(r.paced().twin().p99RatioMedian()) : "–",
                    paced ? f(r.paced().replay().idleSpread()) : "–",
                    r.mode().equals("limit") ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * r.serverCpuShare()),
                    r.peakRssMb() > 0 ? String.format(Locale.ROOT, "%.0f", r.peakRssMb()) : "–"));
        }
        sb.append("\nfast: fg p99 over the whole run and its ratio to the idle baseline; a paced mode: the median of "
                + "its running windows' p99 and the median paired ratio (running ÷ the paused window after it).\n");
        return sb.toString();
    }

    private static String f(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "–";
    }
}
