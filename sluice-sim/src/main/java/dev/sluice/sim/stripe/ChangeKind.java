package dev.sluice.sim.stripe;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a change did to an object. */
public enum ChangeKind {
    /** A new object ({@code --create-rate}, or a test's create). */
    CREATED,
    /** Real fields changed and {@code metadata.sim_version} went up by one. */
    UPDATED,
    /** Deleted: gone from lists (customers, products, prices, draft invoices). */
    DELETED,
    /** A subscription canceled: Stripe's {@code customer.subscription.deleted}; it stays, with status canceled. */
    CANCELED;

    /** As JSON: {@code created}, {@code updated}, {@code deleted}, {@code canceled}. */
    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
