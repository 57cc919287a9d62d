package dev.sluice.sim.stripe.internal;

import dev.sluice.sim.stripe.Fault;
import dev.sluice.sim.stripe.StripeSimConfig;
import java.util.Random;

/**
 * Decides which list requests get a fault and how long each answer waits. One roll per list request that passed
 * authentication and the rate limit; the fault rates are consecutive slices of [0, 1), so they exclude each other.
 * Seeded from the run's seed: the n-th list request of a run always gets the same fault.
 */
public final class FaultDice {

    private final Random faults;
    private final Random latency;
    private final double hang;
    private final double error;
    private final double throttle;
    private final double truncate;
    private final long latencyMs;
    private final long jitterMs;

    public FaultDice(StripeSimConfig config) {
        faults = new Random(Seeds.derive(config.seed(), "faults"));
        latency = new Random(Seeds.derive(config.seed(), "latency"));
        hang = config.hangRate();
        error = hang + config.errorRate();
        throttle = error + config.throttleRate();
        truncate = throttle + config.truncateRate();
        latencyMs = config.latencyMs();
        jitterMs = config.latencyJitterMs();
    }

    /** The fault for the next list request; {@link Fault#TRUNCATE} applies only if the answer would be 200. */
    public Fault roll() {
        double u;
        synchronized (faults) {
            u = faults.nextDouble();
        }
        if (u < hang) {
            return Fault.HANG;
        } else if (u < error) {
            return Fault.ERROR;
        } else if (u < throttle) {
            return Fault.THROTTLE;
        } else if (u < truncate) {
            return Fault.TRUNCATE;
        }
        return Fault.NONE;
    }

    /** {@code latencyMs} plus uniform jitter in {@code [-jitter, +jitter]}, never below 0. */
    public long latencyMs() {
        if (jitterMs == 0) {
            return latencyMs;
        }
        long offset;
        synchronized (latency) {
            offset = latency.nextLong(-jitterMs, jitterMs + 1);
        }
        return Math.max(0, latencyMs + offset);
    }
}
