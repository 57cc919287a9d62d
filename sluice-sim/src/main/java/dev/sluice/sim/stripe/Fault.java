package dev.sluice.sim.stripe;

/** What, if anything, the simulator did to a request instead of answering it plainly. */
public enum Fault {
    /** Answered as Stripe would (including 400/401/404). */
    NONE,
    /** 429 because the caller's token bucket was empty. */
    RATE_LIMITED,
    /** 429 injected at random ({@code --throttle-rate}), whatever the caller's rate. */
    THROTTLE,
    /** 500 injected at random ({@code --error-rate}). */
    ERROR,
    /** No response: the connection was held for {@code --hang-ms}, then closed. */
    HANG,
    /** 200 announced with its full Content-Length, half the body written, then the connection closed. */
    TRUNCATE
}
