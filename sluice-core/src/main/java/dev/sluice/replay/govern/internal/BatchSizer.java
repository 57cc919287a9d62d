package dev.sluice.replay.govern.internal;

/**
 * The inner loop's batch size: keep a batch's commit time inside a band around a target, the way
 * pt-online-schema-change sizes chunks to {@code --chunk-time} and GitLab's batched migrations keep batch time in a
 * band. Not thread-safe; the governor serialises calls.
 *
 * <p>Algorithm: commits are judged in windows of {@value #WINDOW}. The window's median commit time (robust to one
 * slow outlier) above {@value #HIGH}× target shrinks the batch ×{@value #SHRINK}; below {@value #LOW}× target grows
 * it ×{@value #GROW}; inside the band it stays. Each step moves by at least one event, so a batch of 1 can grow.
 *
 * <p>Why these constants: with commit time {@code a + b·n} (a fixed cost per transaction plus a cost per row), one
 * ×1.25 growth raises the time by less than ×1.25, and one ×0.8 shrink lowers it by less than ×0.8, so a band whose
 * edges are more than 1.25× apart cannot be jumped over: from below it the size lands inside it or stays below, and
 * the same from above. The band [0.75, 1.25]·target is 1.67× wide, leaving room for noise. Growth is as cautious as
 * the shrink is quick, because an oversized transaction is what the foreground feels.
 *
 * <p>What must stay true: only commits of about the current size are evidence ({@value #ELIGIBLE}× to
 * 1/{@value #ELIGIBLE}× of it). A partial batch — the source ran dry while tailing live — says nothing about a full
 * one, and a batch started before the last resize would judge the new size by the old one's time (after a ×1.25
 * growth, the old batches are exactly 0.8× the new size, which is why the bound is 0.9 and not 0.8).
 */
public final class BatchSizer {
    static final int WINDOW = 4;
    static final double GROW = 1.25;
    static final double SHRINK = 0.8;
    static final double LOW = 0.75;
    static final double HIGH = 1.25;
    static final double ELIGIBLE = 0.9;

    private final int min;
    private final int max;
    private final double targetNanos;
    private final double[] window = new double[WINDOW];
    private int filled;
    private int size;

    public BatchSizer(int min, int max, int initial, long targetNanos) {
        this.min = min;
        this.max = max;
        this.size = Math.max(min, Math.min(max, initial));
        this.targetNanos = targetNanos;
    }

    /** The size the loop wants, before any cap from the rate. */
    public int size() {
        return size;
    }

    /**
     * A batch of {@code events} committed in {@code latencyNanos}, while batches were capped at {@code cap} (the
     * governor caps them so that a slow rate still starts several batches per judging window).
     */
    public void onCommit(int events, long latencyNanos, int cap) {
        int effective = Math.min(size, cap);
        if (events < ELIGIBLE * effective || events > effective / ELIGIBLE) {
            return;
        }
        window[filled++] = latencyNanos;
        if (filled < WINDOW) {
            return;
        }
        filled = 0;
        double median = Quantile.of(window, WINDOW, 0.5);
        if (median > HIGH * targetNanos) {
            size = Math.max(min, Math.min(effective - 1, (int) Math.round(effective * SHRINK)));
        } else if (median < LOW * targetNanos && size <= cap) {
            // Only grow what is really in use: while the rate caps the batch, bigger says nothing.
            size = Math.min(max, Math.max(size + 1, (int) Math.round(size * GROW)));
        }
    }
}
