package dev.sluice.cli.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.replay.govern.GovernorState;
import dev.sluice.replay.run.ReplayResult;
import dev.sluice.replay.run.ReplayStats;
import java.io.PrintStream;
import java.util.Locale;

/** The end-of-run report of {@code sluice replay}: text for people, one JSON object for scripts. */
final class ReplaySummary {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplaySummary() {}

    static void text(ReplayResult r, GovernorState g, PrintStream out) {
        ReplayStats.Snapshot s = r.stats();
        out.printf(Locale.ROOT, "%s: %,d events received, %,d applied, %,d skipped in %.1f s (%,.0f events/s)%n",
                r.caughtUp() ? "caught up" : "stopped", s.received(), s.applied(), s.skipped(), r.seconds(),
                s.received() / Math.max(1e-3, r.seconds()));
        out.printf(Locale.ROOT, "%s; checkpoint %d (every event before it is applied)%n",
                r.startCursorUs() == Long.MIN_VALUE ? "started at the beginning"
                        : (r.resumed() ? "resumed" : "started") + " at cursor " + r.startCursorUs(), r.checkpointUs());
        r.gap().ifPresent(gap -> out.printf(Locale.ROOT, "GAP: asked for cursor %d, the source began at %d: %.1f s "
                + "of events were not available (older than its retention)%n", gap.requestedUs(), gap.firstUs(),
                gap.seconds()));
        out.println("governor: " + g.summary());
    }

    static String json(ReplayResult r, GovernorState g) {
        ReplayStats.Snapshot s = r.stats();
        ObjectNode o = JSON.createObjectNode();
        o.put("caught_up", r.caughtUp());
        o.put("resumed", r.resumed());
        if (r.startCursorUs() == Long.MIN_VALUE) {
            o.putNull("start_cursor_us");
        } else {
            o.put("start_cursor_us", r.startCursorUs());
        }
        o.put("checkpoint_us", r.checkpointUs());
        o.put("received", s.received());
        o.put("applied", s.applied());
        o.put("skipped", s.skipped());
        o.put("bytes", s.bytes());
        o.put("batches", s.batches());
        o.put("failed_commits", s.failedCommits());
        o.put("held_back", s.heldBack());
        o.put("seconds", r.seconds());
        o.put("events_per_s", s.received() / Math.max(1e-3, r.seconds()));
        if (r.gap().isPresent()) {
            ObjectNode gap = o.putObject("gap");
            gap.put("requested_us", r.gap().get().requestedUs());
            gap.put("first_us", r.gap().get().firstUs());
            gap.put("seconds", r.gap().get().seconds());
        } else {
            o.putNull("gap");
        }
        ObjectNode gov = o.putObject("governor");
        gov.put("mode", g.mode().flagValue());
        gov.put("phase", g.phase().name());
        number(gov, "rate", g.rate());
        gov.put("concurrency", g.concurrency());
        gov.put("batch_size", g.batchSize());
        number(gov, "commit_latency_ms", g.commitLatencyMs());
        number(gov, "foreground_ms", g.foregroundMs());
        number(gov, "budget_ms", g.budgetMs());
        number(gov, "baseline_ms", g.baselineMs());
        number(gov, "cpu_pressure", g.cpuPressure());
        number(gov, "cpu_pressure_budget", g.pressureBudget());
        gov.put("breaches", g.breaches());
        return o.toString();
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }
}
