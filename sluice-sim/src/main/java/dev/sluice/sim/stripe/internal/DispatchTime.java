package dev.sluice.sim.stripe.internal;

import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * When a request reached the server: the moment its dispatcher handed the connection to the executor, read by the
 * handler that runs it. A rate limit and a request log that read the clock in the handler count when a virtual thread
 * got to run instead; on a loaded machine requests that arrived apart start together, and the simulator answered 429
 * to a caller that kept to the rate (as Stripe, which counts at its edge, would not).
 */
public final class DispatchTime {
    private static final ThreadLocal<Long> AT = new ThreadLocal<>();

    private DispatchTime() {
    }

    /** {@code executor}, each task of which knows when it was handed over, on {@code clock}. */
    public static Executor stamping(Executor executor, LongSupplier clock) {
        return task -> {
            long at = clock.getAsLong();
            executor.execute(() -> {
                AT.set(at);
                try {
                    task.run();
                } finally {
                    AT.remove();
                }
            });
        };
    }

    /** On a stamped task's thread, when it was handed over; elsewhere {@code clock} now. */
    public static LongSupplier clock(LongSupplier clock) {
        return () -> {
            Long at = AT.get();
            return at != null ? at : clock.getAsLong();
        };
    }
}
