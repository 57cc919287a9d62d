package dev.sluice.pull.run;

import java.util.List;

/** The outcome of a run: its counters, its duration and each stream's end state. */
public record BackfillResult(String job, String planner, double seconds, double maxRate,
        BackfillStats.Snapshot stats, List<StreamOutcome> streams, boolean stopped) {
    public BackfillResult {
        streams = List.copyOf(streams);
    }

    public boolean complete() {
        return !stopped && streams.stream().allMatch(StreamOutcome::done);
    }

    /** Requests per second achieved over the run. */
    public double requestsPerSecond() {
        return seconds <= 0 ? 0 : stats.requests() / seconds;
    }
}
