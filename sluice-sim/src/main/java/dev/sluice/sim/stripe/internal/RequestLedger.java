package dev.sluice.sim.stripe.internal;

import dev.sluice.sim.stripe.ServedRequest;
import dev.sluice.sim.stripe.Stats;
import dev.sluice.sim.stripe.WebhookStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What was asked and answered: counters for {@link Stats}, every arrival time (for the densest one-second window),
 * and the list-request log in arrival order.
 *
 * <p>An arrival is stamped (time and sequence) under the same lock, so sequence order is arrival order even when
 * answers finish out of order. A reset starts a new generation; answers to requests that arrived before it are not
 * counted after it.
 */
public final class RequestLedger {

    private static final long ONE_SECOND = 1_000_000_000L;

    public record Arrival(long sequence, long nanos, long generation, long logGeneration) {
    }

    private final LongSupplier nanoClock;
    private long generation;
    private long logGeneration;
    private long sequence;
    private long[] arrivals = new long[1024];
    private int arrivalCount;
    private final Map<Integer, Long> byStatus = new TreeMap<>();
    private long emptyPages;
    private final Map<String, Long> byAccount = new TreeMap<>();
    private final TreeMap<Long, ServedRequest> log = new TreeMap<>();

    public RequestLedger(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    public synchronized Arrival arrive() {
        long now = nanoClock.getAsLong();
        if (arrivalCount == arrivals.length) {
            arrivals = Arrays.copyOf(arrivals, arrivals.length * 2);
        }
        arrivals[arrivalCount++] = now;
        return new Arrival(sequence++, now, generation, logGeneration);
    }

    /**
     * Counts an answer; {@code status} 0 means none was sent (a hang).
     *
     * @param account the account the request acted as, null if refused before that was known
     */
    public synchronized void answered(Arrival arrival, int status, boolean emptyPage, String account) {
        if (arrival.generation() != generation) {
            return;
        }
        byStatus.merge(status, 1L, Long::sum);
        if (account != null) {
            byAccount.merge(account, 1L, Long::sum);
        }
        if (emptyPage) {
            emptyPages++;
        }
    }

    public synchronized void logged(Arrival arrival, ServedRequest request) {
        if (arrival.logGeneration() == logGeneration) {
            log.put(arrival.sequence(), request);
        }
    }

    public synchronized Stats stats(WebhookStats webhooks) {
        return new Stats(arrivalCount, byStatus, ArrivalWindow.maxInWindow(arrivals, arrivalCount, ONE_SECOND),
                emptyPages, byAccount, webhooks);
    }

    /** Answered list requests in arrival order (one still in progress appears once answered). */
    public synchronized List<ServedRequest> log() {
        return new ArrayList<>(log.values());
    }

    public synchronized void clearLog() {
        logGeneration++;
        log.clear();
    }

    public synchronized void reset() {
        generation++;
        arrivals = new long[1024];
        arrivalCount = 0;
        byStatus.clear();
        emptyPages = 0;
        byAccount.clear();
        clearLog();
    }
}
