package dev.sluice.sim.stripe;

import java.util.Locale;

/** Which requests share one token bucket. Stripe does not document which limit Connect requests count against. */
public enum RateScope {
    /** One bucket per API key, whatever {@code Stripe-Account} says. */
    KEY,
    /** One bucket per account: the platform's, and each connected account's. */
    ACCOUNT;

    /** Parses {@code key|account}. */
    public static RateScope parse(String s) {
        for (RateScope r : values()) {
            if (r.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("--rate-scope must be key or account, was " + s);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
