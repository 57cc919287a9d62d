package dev.sluice.sim.stripe.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes an object's JSON, shaped like Stripe's (about 1 KB), from (seed, resource, id, created) alone: the random
 * stream behind every field is derived from the seed and the id, so the same seed and config give byte-identical
 * bodies and nothing but the id and created needs to be stored.
 *
 * <p>Shapes follow what a peer engine's schema expects: integer {@code created}, {@code metadata} as a JSON object,
 * invoice {@code status} one of draft|open|paid|uncollectible|void. References to other objects (a charge's
 * {@code customer}) are well-formed ids but need not exist in the simulator.
 */
public final class ObjectRenderer {

    private static final String[] FIRST = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken",
        "Radia", "Leslie", "Frances", "John", "Hedy", "Dennis", "Katherine", "Linus"};
    private static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton",
        "Thompson", "Perlman", "Lamport", "Allen", "Backus", "Lamarr", "Ritchie", "Johnson", "Torvalds"};
    private static final String[][] PLACES = {
        {"San Francisco", "CA", "US", "94107"}, {"New York", "NY", "US", "10001"}, {"Austin", "TX", "US", "73301"},
        {"Seattle", "WA", "US", "98101"}, {"Toronto", "ON", "CA", "M5H 2N2"}, {"London", null, "GB", "EC1A 1BB"},
        {"Berlin", null, "DE", "10115"}, {"Dublin", null, "IE", "D02 X285"}};
    private static final String[] STREETS = {"Market St", "Main St", "Elm Ave", "King St", "High St", "Oak Rd"};
    private static final String[] CURRENCIES = {"usd", "usd", "usd", "eur", "gbp", "cad"};
    private static final String[] BRANDS = {"visa", "mastercard", "amex", "discover"};
    private static final String[] INVOICE_STATUS = {"paid", "paid", "paid", "paid", "open", "open", "draft", "void",
        "uncollectible"};
    private static final String[] PI_STATUS = {"succeeded", "succeeded", "succeeded", "requires_payment_method",
        "processing", "canceled"};
    private static final String[] SUB_STATUS = {"active", "active", "active", "trialing", "past_due", "incomplete"};
    private static final String[] PRODUCTS = {"Starter plan", "Pro plan", "Team plan", "Enterprise plan",
        "API credits", "Support add-on", "Extra seat", "Storage pack"};
    private static final String[] REFUND_REASONS = {"requested_by_customer", "duplicate", "fraudulent"};

    private final long seed;

    public ObjectRenderer(long seed) {
        this.seed = seed;
    }

    public void write(JsonGenerator g, ResourceKind kind, Entry e) throws IOException {
        SplittableRandom r = Seeds.random(seed, e.id());
        g.writeStartObject();
        g.writeStringField("id", e.id());
        g.writeStringField("object", kind.objectType());
        switch (kind) {
            case CUSTOMERS -> customer(g, r, e);
            case CHARGES -> charge(g, r, e);
            case INVOICES -> invoice(g, r, e);
            case PAYMENT_INTENTS -> paymentIntent(g, r, e);
            case SUBSCRIPTIONS -> subscription(g, r, e);
            case PRODUCTS -> product(g, r, e);
            case PRICES -> price(g, r, e);
            case REFUNDS -> refund(g, r, e);
        }
        g.writeEndObject();
    }

    private void customer(JsonGenerator g, SplittableRandom r, Entry e) throws IOException {
        String name = pick(r, FIRST) + " " + pick(r, LAST);
        String email = email(name, r);
        address(g, "address", r);
        g.writeNumberField("balance", r.nextInt(4) == 0 ? -r.nextInt(5_000) : 0);
        g.writeNumberField("created", e.created());
        g.writeStringField("currency", pick(r, CURRENCIES));
        g.writeNullField("default_source");
        g.writeBooleanField("delinquent", r.nextInt(20) == 0);
        g.writeStringField("description", "Customer since " + e.created() + " via " + (r.nextBoolean() ? "web" : "app"));
        g.writeNullField("discount");
        g.writeStringField("email", email);
        g.writeStringField("invoice_prefix", Seeds.id("", 8, r).toUpperCase(Locale.ROOT));
        g.writeObjectFieldStart("invoice_settings");
        g.writeNullField("custom_fields");
        g.writeNullField("default_payment_method");
        g.writeNullField("footer");
        g.writeNullField("rendering_options");
        g.writeEndObject();
        g.writeBooleanField("livemode", false);
        metadata(g, r);
        g.writeStringField("name", name);
        g.writeNumberField("next_invoice_sequence", 1 + r.nextInt(40));
        g.writeStringField("phone", phone(r));
        g.writeArrayFieldStart("preferred_locales");
        g.writeString("en-US");
        g.writeEndArray();
        g.writeNullField("shipping");
        g.writeStringField("tax_exempt", "none");
        g.writeNullField("test_clock");
    }

    private void charge(JsonGenerator g, SplittableRandom r, Entry e) throws IOException {
        long amount = amount(r);
        String name = pick(r, FIRST) + " " + pick(r, LAST);
        String currency = pick(r, CURRENCIES);
        g.writeNumberField("amount", amount);
        g.writeNumberField("amount_captured", amount);
        g.writeNumberField("amount_refunded", 0);
        g.writeNullField("application");
        g.writeNullField("application_fee_amount");
        g.writeStringField("balance_transaction", Seeds.id("txn_", 24, r));
        g.writeObjectFieldStart("billing_details");
        address(g, "address", r);
        g.writeStringField("email", email(name, r));
        g.writeStringField("name", name);
        g.writeStringField("phone", phone(r));
        g.writeEndObject();
        g.writeStringField("calculated_statement_descriptor", "SLUICE SIM");
        g.writeBooleanField("captured", true);
        g.writeNumberField("created", e.created());
        g.writeStringField("currency", currency);
        g.writeStringField("customer", Seeds.id("cus_", 14, r));
        g.writeStringField("description", "Charge for order " + r.nextInt(1_000_000));
        g.writeBooleanField("disputed", false);
        g.writeNullField("failure_code");
        g.writeNullField("failure_message");
        g.writeBooleanField("livemode", false);
        metadata(g, r);
        g.writeObjectFieldStart("outcome");
        g.writeStringField("network_status", "approved_by_network");
        g.writeNullField("reason");
        g.writeStringField("risk_level", "normal");
        g.writeNumberField("risk_score", r.nextInt(60));
        g.writeStringField("seller_message", "Payment complete.");
        g.writeStringField("type", "authorized");
        g.writeEndObject();
        g.writeBooleanField("paid", true);
        g.writeStringField("payment_intent", Seeds.id("pi_", 24, r));
        g.writeStringField("payment_method", Seeds.id("pm_", 24, r));
        g.writeObjectFieldStart("payment_method_details");
        g.writeObjectFieldStart("card");
        g.writeStringField("brand", pick(r, BRANDS));
        g.writeStringField("country", "US");
        g.writeNumberField("exp_month", 1 + r.nextInt(12));
        g.writeNumberField("exp_year", 2026 + r.nextInt(6));
        g.writeStringField("funding", r.nextInt(4) == 0 ? "debit" : "credit");
        g.writeStringField("last4", String.format("%04d", r.nextInt(10_000)));
        g.writeEndObject();
        g.writeStringField("type", "card");
        g.writeEndObject();
        g.writeStringField("receipt_email", null);
        g.writeStringField("receipt_url", "https://pay.stripe.com/receipts/" + Seeds.id("", 32, r));
        g.writeBooleanField("refunded", false);
        g.writeStringField("status", "succeeded");
    }

    private void invoice(JsonGenerator g, SplittableRandom r, Entry e) throws IOException {
        String status = pick(r, INVOICE_STATUS);
        long due = amount(r);
        long paid = status.equals("paid") ? due : 0;
        String name = pick(r, FIRST) + " " + pick(r, LAST);
        long periodStart = e.created() - 30 * 86_400L;
        g.writeStringField("account_country", "US");
        g.writeStringField("account_name", "Sluice Simulated Inc.");
        g.writeNumberField("amount_due", due);
        g.writeNumberField("amount_paid", paid);
        g.writeNumberField("amount_remaining", due - paid);
        g.writeNumberField("attempt_count", status.equals("draft") ? 0 : 1);
        g.writeBooleanField("attempted", !status.equals("draft"));
        g.writeBooleanField("auto_advance", status.equals("draft") || status.equals("open"));
        g.writeStringField("billing_reason", r.nextBoolean() ? "subscription_cycle" : "manual");
        g.writeStringField("collection_method", "charge_automatically");
        g.writeNumberField("created", e.created());
        g.writeStringField("currency", pick(r, CURRENCIES));
        g.writeStringField("customer", Seeds.id("cus_", 14, r));
        g.writeStringField("customer_email", email(name, r));
        g.writeStringField("customer_name", name);
        g.writeNullField("description");
        g.writeNullField("due_date");
        g.writeStringField("hosted_invoice_url", "https://invoice.stripe.com/i/" + Seeds.id("acct_", 16, r));
        g.writeObjectFieldStart("lines");
        g.writeStringField("object", "list");
        g.writeArrayFieldStart("data");
        g.writeEndArray();
        g.writeBooleanField("has_more", false);
        g.writeNumberField("total_count", 1 + r.nextInt(3));
        g.writeStringField("url", "/v1/invoices/" + e.id() + "/lines");
        g.writeEndObject();
        g.writeBooleanField("livemode", false);
        metadata(g, r);
        g.writeStringField("number", status.equals("draft") ? null : Seeds.id("", 8, r).toUpperCase(Locale.ROOT)
                + "-" + String.format("%04d", 1 + r.nextInt(9_999)));
        g.writeBooleanField("paid", status.equals("paid"));
        g.writeNumberField("period_end", e.created());
        g.writeNumberField("period_start", periodStart);
        g.writeStringField("status", status);
        g.writeObjectFieldStart("status_transitions");
        nullableSecond(g, "finalized_at", !status.equals("draft"), e.created());
        nullableSecond(g, "paid_at", status.equals("paid"), e.created());
        g.writeEndObject();
        g.writeStringField("subscription", Seeds.id("sub_", 14, r));
        g.writeNumberField("subtotal", due);
        g.writeNumberField("tax", 0);
        g.writeNumberField("total", due);
    }

    private void paymentIntent(JsonGenerator g, SplittableRandom r, Entry e) throws IOException {
        long amount = amount(r);
        String status = pick(r, PI_STATUS);
        g.writeNumberField("amount", amount);
        g.writeNumberField("amount_capturable", 0);
        g.writeNumberField("amount_received", status.equals("succeeded") ? amount : 0);
        g.writeNullField("application");
        g.writeNullField("canceled_at");
        g.writeStringField("capture_method", "automatic");
        g.writeStringField("client_secret", e.id() + "_secret_" + Seeds.id("", 24, r));
        g.writeStringField("confirmation_method", "automatic");
        g.writeNumberField("created", e.created());
        g.writeStringField("currency", pick(r, CURRENCIES));
        g.writeStringField("customer", Seeds.id("cus_", 14, r));
        g.writeStringField("description", "Payment for order " + r.nextInt(1_000_000));
        g.writeStringField("latest_charge", status.equals("succeeded") ? Seeds.id("ch_", 24, r) : null);
        g.writeBooleanField("livemode", false);
        metadata(g, r);
        g.writeStringField("payment_method", Seeds.id("pm_", 24, r));
        g.writeArrayFieldStart("payment_method_types");
        g.writeString("card");
        g.writeEndArray();
        g.writeStringField("receipt_email", null);
        g.writeNullField("setup_future_usage");
        g.writeNullField("shipping");
        g.writeStringField("statement_descriptor", null);
        g.writeStringField("status", status);
    }

    private void subscription(JsonGenerator g, SplittableRandom r, Entry e) throws IOException {
        long periodStart = e.created();
        long periodEnd = periodStart + 30 * 86_400L;
        String currency = pick(r, CURRENCIES);
        long unit = amount(r);
        g.writeNullField("application");
        g.writeNumberField("billing_cycle_anchor", periodStart);
        g.writeNullField("cancel_at");
        g.writeBooleanField("cancel_at_period_end", false);
        g.writeNullField("canceled_at");
        g.writeStringField("collection_method", "charge_automatically");
        g.writeNumberField("created", e.created());
        g.writeStringField("currency", currency);
        g.writeNumberField("current_period_end", periodEnd);
        g.writeNumberField("current_period_start", periodStart);
        g.writeStringField("customer", Seeds.id("cus_", 14, r));
        g.writeStringField("default_payment_method", Seeds.id("pm_", 24, r));
        g.writeObjectFieldStart("items");
        g.writeStringField("object", "list");
        g.writeArrayFieldStart("data");
        g.writeStartObject();
        g.writeStringField("id", Seeds.id("si_", 14, r));
        g.writeStringField("object", "subscription_item");
        g.writeNumberField("created", e.created());
        g.writeObjectFieldStart("price");
        g.writeStringField("id", Seeds.id("price_", 24, r));
        g.writeStringField("object", "price");
        g.writeStringField("currency", currency);
        g.writeStringField("product", Seeds.id("prod_", 14, r));
        g.writeNumberField("unit_amount", unit);
        g.writeEndObject();
        g.writeNumberField("quantity", 1 + r.nextInt(5));
        g.writeEndObject();
        g.writeEndArray();
        g.writeBooleanField("has_more", false);
        g.writeNumberField("total_count", 1);
        g.writeStringField("url", "/v1/subscription_items?subscription=" + e.id());
        g.writeEndObject();
        g.writeStringField("latest_invoice", Seeds.id("in_", 24, r));
        g.writeBooleanField("livemode", false);
        metadata(g, r);
        g.writeNumberField("start_date", e.created());
        g.writeStringField("status", pick(r, SUB_STATUS));
        g.writeNullField("trial_end");
        g.writeNullField("trial_start");
    }

    private void product(JsonGenerator g, SplittableRandom r, Entry e) throws IOException {
        String name = pick(r, PRODUCTS);
        g.writeBooleanField("active", r.nextInt(10) != 0);
        g.writeNumberField("created", e.created());
        g.writeStringField("default_price", Seeds.id("price_", 24, r));
        g.writeStringField("description", name + ": everything a growing team needs, billed monthly. Ref "
                + Seeds.id("", 12, r));
        g.writeArrayFieldStart("features");
        g.writeEndArray();
        g.writeArrayFieldStart("images");
        g.writeString("https://files.stripe.com/links/" + Seeds.id("", 40, r));
        g.writeEndArray();
        g.writeBooleanField("livemode", false);
        g.writeArrayFieldStart("marketing_features");
        g.writeEndArray();
        metadata(g, r);
        g.writeStringField("name", name);
        g.writeNullField("package_dimensions");
        g.writeBooleanField("shippable", false);
        g.writeNullField("statement_descriptor");
        g.writeStringField("tax_code", "txcd_10000000");
        g.writeStringField("type", "service");
        g.writeNullField("unit_label");
        g.writeNumberField("updated", e.created() + r.nextInt(86_400));
        g.writeNullField("url");
    }

    private void price(JsonGenerator g, SplittableRandom r, Entry e) throws IOException {
        boolean recurring = r.nextInt(4) != 0;
        long unit = amount(r);
        g.writeBooleanField("active", true);
        g.writeStringField("billing_scheme", "per_unit");
        g.writeNumberField("created", e.created());
        g.writeStringField("currency", pick(r, CURRENCIES));
        g.writeNullField("custom_unit_amount");
        g.writeBooleanField("livemode", false);
        g.writeStringField("lookup_key", null);
        metadata(g, r);
        g.writeStringField("nickname", pick(r, PRODUCTS) + (recurring ? " monthly" : " one-off"));
        g.writeStringField("product", Seeds.id("prod_", 14, r));
        if (recurring) {
            g.writeObjectFieldStart("recurring");
            g.writeNullField("aggregate_usage");
            g.writeStringField("interval", r.nextInt(5) == 0 ? "year" : "month");
            g.writeNumberField("interval_count", 1);
            g.writeNullField("meter");
            g.writeNullField("trial_period_days");
            g.writeStringField("usage_type", "licensed");
            g.writeEndObject();
        } else {
            g.writeNullField("recurring");
        }
        g.writeStringField("tax_behavior", "unspecified");
        g.writeNullField("tiers_mode");
        g.writeNullField("transform_quantity");
        g.writeStringField("type", recurring ? "recurring" : "one_time");
        g.writeNumberField("unit_amount", unit);
        g.writeStringField("unit_amount_decimal", Long.toString(unit));
    }

    private void refund(JsonGenerator g, SplittableRandom r, Entry e) throws IOException {
        g.writeNumberField("amount", amount(r));
        g.writeStringField("balance_transaction", Seeds.id("txn_", 24, r));
        g.writeStringField("charge", Seeds.id("ch_", 24, r));
        g.writeNumberField("created", e.created());
        g.writeStringField("currency", pick(r, CURRENCIES));
        g.writeObjectFieldStart("destination_details");
        g.writeObjectFieldStart("card");
        g.writeStringField("reference", Seeds.id("", 12, r));
        g.writeStringField("reference_status", "available");
        g.writeStringField("reference_type", "acquirer_reference_number");
        g.writeStringField("type", "refund");
        g.writeEndObject();
        g.writeStringField("type", "card");
        g.writeEndObject();
        g.writeBooleanField("livemode", false);
        metadata(g, r);
        g.writeStringField("payment_intent", Seeds.id("pi_", 24, r));
        g.writeStringField("reason", pick(r, REFUND_REASONS));
        g.writeStringField("receipt_number", String.format("%04d-%04d", r.nextInt(10_000), r.nextInt(10_000)));
        g.writeNullField("source_transfer_reversal");
        g.writeStringField("status", "succeeded");
        g.writeNullField("transfer_reversal");
    }

    private static void address(JsonGenerator g, String field, SplittableRandom r) throws IOException {
        String[] place = pick(r, PLACES);
        g.writeObjectFieldStart(field);
        g.writeStringField("city", place[0]);
        g.writeStringField("country", place[2]);
        g.writeStringField("line1", (1 + r.nextInt(999)) + " " + pick(r, STREETS));
        g.writeStringField("line2", r.nextInt(3) == 0 ? "Suite " + (100 + r.nextInt(900)) : null);
        g.writeStringField("postal_code", place[3]);
        g.writeStringField("state", place[1]);
        g.writeEndObject();
    }

    private static void nullableSecond(JsonGenerator g, String field, boolean present, long value)
            throws IOException {
        if (present) {
            g.writeNumberField(field, value);
        } else {
            g.writeNullField(field);
        }
    }

    private static void metadata(JsonGenerator g, SplittableRandom r) throws IOException {
        g.writeObjectFieldStart("metadata");
        g.writeStringField("order_id", "ord_" + Seeds.id("", 10, r));
        g.writeStringField("source", r.nextBoolean() ? "checkout" : "api");
        g.writeEndObject();
    }

    private static String email(String name, SplittableRandom r) {
        return name.toLowerCase(Locale.ROOT).replace(' ', '.') + r.nextInt(1_000) + "@example.com";
    }

    private static String phone(SplittableRandom r) {
        return "+1555" + String.format("%07d", r.nextInt(10_000_000));
    }

    private static long amount(SplittableRandom r) {
        return 100L * (1 + r.nextInt(500)) + (r.nextBoolean() ? 0 : 99);
    }

    private static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }
}
