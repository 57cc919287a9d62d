package dev.sluice.replay.govern;

import java.util.Locale;

/**
 * A snapshot of the governor, for progress lines and {@code --json}. Unknown values are NaN (no commit or no
 * foreground judgement yet; foreground figures in a mode that was never calibrated); {@code rate} is
 * {@code +Infinity} when unthrottled. NOTE: JSON has neither; a writer should emit {@code null} for both.
 *
 * @param mode              the mode
 * @param phase             where the outer loop is
 * @param rate              events/s allowed now
 * @param appliedRate       events/s committed over the last judged foreground window
 * @param concurrency       batches allowed to commit at once
 * @param batchSize         events per batch
 * @param commitLatencyMs   the sink's commit time, smoothed (EWMA, α 0.2)
 * @param foregroundMs      the foreground canary's judged (90th) percentile over the last judged window
 * @param budgetMs          what {@code foregroundMs} may reach before the rate halves
 * @param baselineMs        the canary's idle percentile, measured before any write
 * @param foregroundWaiters lock waiters, 75th percentile over the last judged window
 * @param cpuPressure       the host's CPU pressure (share of time something waited for a CPU) over the last judged
 *                          window; NaN when it is not measured (the database is on another host, or no PSI)
 * @param pressureBudget    what {@code cpuPressure} may reach before the rate halves; NaN when not measured
 * @param breaches          how many times the rate was halved (budget breached, or the probe fell silent)
 * @param failedCommits     commits reported failed
 */
public record GovernorState(Mode mode, Phase phase, double rate, double appliedRate, int concurrency, int batchSize,
                            double commitLatencyMs, double foregroundMs, double budgetMs, double baselineMs,
                            double foregroundWaiters, double cpuPressure, double pressureBudget, long breaches,
                            long failedCommits) {

    /** Where the outer loop is. */
    public enum Phase {
        /** Measuring the idle baseline; nothing is written yet. */
        CALIBRATING,
        /** Slow start: the rate doubles every clean window. */
        STARTING,
        /** Grows additively, or holds near the budget ({@code fast} and {@code fixed} are always here). */
        STEADY,
        /** Just halved the rate; waiting one window for the effect before judging again. */
        BACKING_OFF
    }

    /**
     * One line for a log or a progress bar, e.g.
     * {@code background STEADY rate 1,200/s (applied 1,150/s) conc 4 batch 250 commit 48.0 ms fg 0.31/0.40 ms
     * (idle 0.25) breaches 2}.
     */
    public String summary() {
        StringBuilder sb = new StringBuilder(mode.flagValue()).append(' ').append(phase);
        sb.append(" rate ").append(Double.isInfinite(rate) ? "unlimited" : perSecond(rate));
        if (!Double.isNaN(appliedRate)) {
            sb.append(" (applied ").append(perSecond(appliedRate)).append(')');
        }
        sb.append(" conc ").append(concurrency).append(" batch ").append(batchSize);
        if (!Double.isNaN(commitLatencyMs)) {
            sb.append(String.format(Locale.ROOT, " commit %.1f ms", commitLatencyMs));
        }
        if (!Double.isNaN(baselineMs)) {
            sb.append(String.format(Locale.ROOT, " fg %s/%.2f ms (idle %.2f)",
                    Double.isNaN(foregroundMs) ? "?" : String.format(Locale.ROOT, "%.2f", foregroundMs), budgetMs,
                    baselineMs));
            if (!Double.isNaN(cpuPressure)) {
                sb.append(String.format(Locale.ROOT, " cpu pressure %.0f/%.0f%%", 100 * cpuPressure,
                        100 * pressureBudget));
            }
            if (foregroundWaiters > 0) {
                sb.append(String.format(Locale.ROOT, " waiters %.0f", foregroundWaiters));
            }
        }
        if (breaches > 0) {
            sb.append(" breaches ").append(breaches);
        }
        if (failedCommits > 0) {
            sb.append(" failed ").append(failedCommits);
        }
        return sb.toString();
    }

    /** Whole events/s, but one decimal below 100 (the fixed profile's 2.5/s is not 3/s). */
    private static String perSecond(double r) {
        return String.format(Locale.ROOT, r < 100 ? "%.1f/s" : "%,.0f/s", r);
    }
}
