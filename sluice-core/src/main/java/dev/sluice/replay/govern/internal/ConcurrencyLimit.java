package dev.sluice.replay.govern.internal;

/**
 * The inner loop's concurrency: how many batches may commit at once. AIMD on the per-event commit latency compared
 * with its long-term best — Netflix concurrency-limits' AIMD with the latency signal of its Gradient2/Vegas limits.
 * Not thread-safe; the governor serialises calls.
 *
 * <p>Algorithm: successful commits are judged in windows of {@code max(4, limit)} — about one commit per lane, so a
 * window is one "round trip" of the whole pipeline. The window's median latency per event is compared with
 * {@code best}, the lowest window median seen (allowed to drift up {@value #DRIFT_PERCENT} % per window, so a
 * database that became permanently slower — a bigger table, a colder cache — is not held to an old record forever):
 * <ul>
 *   <li>above {@value #TOLERANCE}× best: the database is queueing our commits; the limit falls ×{@value #DECREASE};</li>
 *   <li>otherwise, if the limit was reached during the window: +1 (additive probe for more parallelism);</li>
 *   <li>otherwise it holds: when fewer batches were in flight than allowed, the pipeline (rate, source) is the limit
 *       and latency says nothing about what one more lane would do (concurrency-limits' "app-limited" guard).</li>
 * </ul>
 * A failed commit halves the limit at once — a timeout, deadlock or dropped connection is the strongest overload
 * signal there is — and opens a fresh window, in which further failures count but do not cut again: the other
 * batches in flight at that moment were started under the old limit and may fail from the same cause. Failures that
 * keep coming halve once per window, down to 1.
 *
 * <p>Why these constants: {@value #TOLERANCE} is Gradient2's default RTT tolerance, and it is above the 1.25× that a
 * ×0.8 batch shrink can add to the per-event latency on its own (a fixed per-commit cost spread over fewer events),
 * so the two inner loops do not chase each other. ×{@value #DECREASE} is concurrency-limits' AIMD backoff: gentle,
 * since latency is a softer signal than failure.
 */
public final class ConcurrencyLimit {
    static final int MIN_WINDOW = 4;
    static final double TOLERANCE = 1.5;
    static final double DECREASE = 0.9;
    static final double FAILURE_DECREASE = 0.5;
    static final double DRIFT = 1.01;
    static final int DRIFT_PERCENT = 1;

    private final int max;
    private double limit;
    private double best = Double.NaN;
    private double[] window = new double[MIN_WINDOW];
    private int filled;
    private int failedInWindow;
    private boolean reached;
    private boolean cutInWindow;

    public ConcurrencyLimit(int max, int initial) {
        this.max = max;
        this.limit = Math.max(1, Math.min(max, initial));
    }

    public int limit() {
        return Math.max(1, (int) limit);
    }

    /**
     * A batch committed; {@code perEventNanos} is its latency divided by its size. {@code inflight} is how many
     * batches were in flight when it finished (itself included), or negative when unknown (taken as "limit reached").
     */
    public void onSuccess(double perEventNanos, int inflight) {
        if (filled == window.length) {
            window = java.util.Arrays.copyOf(window, window.length * 2);
        }
        window[filled++] = perEventNanos;
        reached |= inflight < 0 || inflight >= limit();
        if (filled + failedInWindow >= windowSize()) {
            judge();
        }
    }

    /** A batch failed: halve, once per window. */
    public void onFailure() {
        if (!cutInWindow) {
            limit = Math.max(1, limit * FAILURE_DECREASE);
            // The cut opens a fresh window: what follows is judged under the new limit, and further failures
            // before it is full are the same overload.
            resetWindow();
            cutInWindow = true;
            return;
        }
        failedInWindow++;
        if (filled + failedInWindow >= windowSize()) {
            judge();
        }
    }

    private int windowSize() {
        return Math.max(MIN_WINDOW, limit());
    }

    private void judge() {
        if (filled > 0) {
            double median = Quantile.of(window, filled, 0.5);
            if (Double.isNaN(best)) {
                best = median;
            } else if (median > best * TOLERANCE) {
                limit = Math.max(1, limit * DECREASE);
            } else if (reached && failedInWindow == 0) {
                limit = Math.min(max, limit + 1);
            }
            best = Math.min(best * DRIFT, median);
        }
        resetWindow();
    }

    private void resetWindow() {
        filled = 0;
        failedInWindow = 0;
        reached = false;
        cutInWindow = false;
    }
}
