package dev.sluice.replay.run;

import java.util.Optional;

/**
 * How a replay run ended.
 *
 * @param startCursorUs where reading started (the checkpoint when resuming)
 * @param resumed       whether it started from a checkpoint
 * @param checkpointUs  the final committed checkpoint: every event below it is applied
 * @param caughtUp      it stopped because it reached {@code untilUs} (or the end of a file)
 * @param gap           a cursor the source clamped: events between the two were not available
 */
public record ReplayResult(long startCursorUs, boolean resumed, long checkpointUs, boolean caughtUp,
                           Optional<Gap> gap, ReplayStats.Snapshot stats, double seconds) {
    /** The source started at {@code firstUs} although {@code requestedUs} was asked for. */
    public record Gap(long requestedUs, long firstUs) {
        public double seconds() {
            return (firstUs - requestedUs) / 1e6;
        }
    }
}
