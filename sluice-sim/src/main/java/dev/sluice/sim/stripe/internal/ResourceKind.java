package dev.sluice.sim.stripe.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The list endpoints the simulator knows: path name, id prefix and the {@code object} value of their items. */
public enum ResourceKind {
    CUSTOMERS("customers", "cus_", "customer"),
    CHARGES("charges", "ch_", "charge"),
    INVOICES("invoices", "in_", "invoice"),
    PAYMENT_INTENTS("payment_intents", "pi_", "payment_intent"),
    SUBSCRIPTIONS("subscriptions", "sub_", "subscription"),
    PRODUCTS("products", "prod_", "product"),
    PRICES("prices", "price_", "price"),
    REFUNDS("refunds", "re_", "refund");

    private final String path;
    private final String idPrefix;
    private final String objectType;

    ResourceKind(String path, String idPrefix, String objectType) {
        this.path = path;
        this.idPrefix = idPrefix;
        this.objectType = objectType;
    }

    /** The name in {@code /v1/<name>}. */
    public String path() {
        return path;
    }

    public String idPrefix() {
        return idPrefix;
    }

    /** The {@code object} field of an item, also the noun in "No such customer". */
    public String objectType() {
        return objectType;
    }

    public static Optional<ResourceKind> byName(String name) {
        for (ResourceKind k : values()) {
            if (k.path.equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(ResourceKind::path).toList();
    }
}
