package dev.sluice.replay.govern.internal;

import dev.sluice.replay.govern.ForegroundSample;
import dev.sluice.replay.govern.GovernorConfig;
import java.util.Arrays;
import java.util.List;

/**
 * The idle foreground a {@link RateLaw} judges against, learnt from samples taken before any write: the latency
 * percentile judged and the highest that percentile reached over any lookback's worth of consecutive samples (how far
 * it swings with nothing written), the lock waiters' 75th percentile, the mean CPU pressure, and the latency budget.
 *
 * <p>The budget is {@code max(baseline × ratio, baseline + slack, baseline + (idleHigh − baseline) / holdZone)}: never
 * tighter than the idle swing, which then stays inside the law's growth zone. A budget tighter than that swing
 * breaches on noise alone — on 2026-12-07 pgbench's idle p99 varied ×1.5 between 10 s windows on the 2-core machine
 * of docs/BENCHMARKS.md, far past background's 1.2.
 *
 * @param latencyNanos  the idle latency at the judged percentile
 * @param idleHighNanos the highest judged percentile over any lookback of the idle samples (the baseline itself when
 *                      there are fewer than two lookbacks' worth, which tell nothing about the swing)
 * @param waiters       lock waiters, 75th percentile
 * @param pressure      mean CPU pressure of the samples that have one; NaN if none has
 * @param budgetNanos   the latency budget
 */
record Baseline(double latencyNanos, double idleHighNanos, double waiters, double pressure, double budgetNanos) {

    static Baseline of(List<ForegroundSample> idle, GovernorConfig config, int perLookback, double quantile,
                       double holdZone) {
        double[] lat = new double[idle.size()];
        double[] w = new double[idle.size()];
        double[] p = new double[idle.size()];
        for (int i = 0; i < lat.length; i++) {
            lat[i] = idle.get(i).latencyNanos();
            w[i] = idle.get(i).waiters();
            p[i] = idle.get(i).cpuPressure();
        }
        double baseline = Quantile.of(lat, lat.length, quantile);
        double high = idleHigh(lat, perLookback, quantile);
        double budget = Math.max(config.budgetNanos(baseline), baseline + (high - baseline) / holdZone);
        return new Baseline(baseline, high, Quantile.of(w, w.length, 0.75), SampleWindow.meanOfKnown(p, p.length),
                budget);
    }

    /**
     * The highest {@code quantile} of any {@code k} consecutive samples; of all of them when there are fewer than
     * {@code 2k}.
     */
    static double idleHigh(double[] latencies, int k, double quantile) {
        int n = latencies.length;
        if (n < 2 * k) {
            return Quantile.of(latencies, n, quantile);
        }
        double high = 0;
        for (int from = 0; from + k <= n; from++) {
            high = Math.max(high, Quantile.of(Arrays.copyOfRange(latencies, from, from + k), k, quantile));
        }
        return high;
    }
}
