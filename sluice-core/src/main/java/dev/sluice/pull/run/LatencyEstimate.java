package dev.sluice.pull.run;

/** A smoothed request latency (EWMA, alpha 0.2), fed by every successful attempt. Thread-safe. */
final class LatencyEstimate {
    private static final double ALPHA = 0.2;
    private double seconds = Double.NaN;

    synchronized void record(long nanos) {
        double s = nanos / 1e9;
        seconds = Double.isNaN(seconds) ? s : seconds + ALPHA * (s - seconds);
    }

    /** Seconds, or NaN before the first sample. */
    synchronized double seconds() {
        return seconds;
    }
}
