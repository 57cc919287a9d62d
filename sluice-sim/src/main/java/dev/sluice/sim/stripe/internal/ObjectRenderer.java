package dev.sluice.sim.stripe.internal;

import static dev.sluice.sim.stripe.internal.FakeValues.address;
import static dev.sluice.sim.stripe.internal.FakeValues.amount;
import static dev.sluice.sim.stripe.internal.FakeValues.email;
import static dev.sluice.sim.stripe.internal.FakeValues.metadata;
import static dev.sluice.sim.stripe.internal.FakeValues.name;
import static dev.sluice.sim.stripe.internal.FakeValues.nullableSecond;
import static dev.sluice.sim.stripe.internal.FakeValues.phone;
import static dev.sluice.sim.stripe.internal.FakeValues.pick;
import static dev.sluice.sim.stripe.internal.FakeValues.versionStream;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes an object's JSON, shaped like Stripe's (about 1 KB), from (seed, resource, id, created, revision) alone:
 * the random stream behind every field is derived from the seed and the id, so the same seed and config give
 * byte-identical bodies and only the compact {@link Revision} needs storing per changed object.
 *
 * <p>What must stay true: every field's random draw happens whatever the revision, so an update changes only the
 * fields it means to change — the status and what follows from it, the fields an update redraws from the
 * version's own stream ({@code <id>#<version>}), and {@code metadata.sim_version}.
 *
 * <p>Shapes follow what a peer engine's schema expects: integer {@code created}, {@code metadata} as a JSON object,
 * invoice {@code status} one of draft|open|paid|uncollectible|void. References to other objects (a charge's
 * {@code customer}) are well-formed ids but need not exist in the simulator.
 */
public final class ObjectRenderer {

    private static final String[] REFUND_REASONS = {"requested_by_customer", "duplicate", "fraudulent"};

    private final long seed;
    private final InvoiceLines lines;
    private final BillingRenderer billing;

    /**
     * @param dataEnd the epoch second the generated data ends at (subscriptions generated as canceled ended before)
     * @param lineCounts line counts invoices draw from; empty for the default (1 to 3)
     */
    public ObjectRenderer(long seed, long dataEnd, List<Integer> lineCounts) {
        this.seed = seed;
        this.lines = new InvoiceLines(seed, lineCounts);
        this.billing = new BillingRenderer(seed, dataEnd, lines);
    }

    /** An object as generated and never changed. */
    public ObjectRenderer(long seed) {
        this(seed, Long.MAX_VALUE, List.of());
    }

    public InvoiceLines lines() {
        return lines;
    }

    /** The object as a retrieve or list renders it. */
    public void write(JsonGenerator g, ResourceKind kind, Snapshot s) throws IOException {
        write(g, kind, s, false);
    }

    /** @param completeLines an invoice with every line embedded (see {@link InvoiceLines#writeEmbedded}) */
    public void write(JsonGenerator g, ResourceKind kind, Snapshot s, boolean completeLines) throws IOException {
        SplittableRandom r = Seeds.random(seed, s.id());
        g.writeStartObject();
        g.writeStringField("id", s.id());
        g.writeStringField("object", kind.objectType());
        switch (kind) {
            case CUSTOMERS -> customer(g, r, s);
            case CHARGES -> charge(g, r, s);
            case INVOICES -> billing.invoice(g, r, s, completeLines);
            case PAYMENT_INTENTS -> paymentIntent(g, r, s);
            case SUBSCRIPTIONS -> billing.subscription(g, r, s);
            case PRODUCTS -> product(g, r, s);
            case PRICES -> price(g, r, s);
            case REFUNDS -> refund(g, r, s);
        }
        g.writeEndObject();
    }

    /** What Stripe answers for a retrieved deleted customer: {@code {"id","object","deleted":true}}. */
    public static void writeDeletedStub(JsonGenerator g, ResourceKind kind, String id) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", kind.objectType());
        g.writeBooleanField("deleted", true);
        g.writeEndObject();
    }

    private void customer(JsonGenerator g, SplittableRandom r, Snapshot s) throws IOException {
        Revision rev = s.revision();
        String name = name(r);
        String email = email(name, r);
        if (rev.version() > 0) {
            SplittableRandom v = versionStream(seed, s.id(), rev.version());
            name = name(v);
            email = email(name, v);
        }
        address(g, "address", r);
        g.writeNumberField("balance", r.nextInt(4) == 0 ? -r.nextInt(5_000) : 0);
        g.writeNumberField("created", s.created());
        g.writeStringField("currency", pick(r, FakeValues.CURRENCIES));
        g.writeNullField("default_source");
        g.writeBooleanField("delinquent", r.nextInt(20) == 0);
        g.writeStringField("description", "Customer since " + s.created() + " via " + (r.nextBoolean() ? "web" : "app"));
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
        metadata(g, r, rev);
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

    private void charge(JsonGenerator g, SplittableRandom r, Snapshot s) throws IOException {
        Revision rev = s.revision();
        boolean refunded = "refunded".equals(rev.status());
        long amount = amount(r);
        String name = name(r);
        String currency = pick(r, FakeValues.CURRENCIES);
        g.writeNumberField("amount", amount);
        g.writeNumberField("amount_captured", amount);
        g.writeNumberField("amount_refunded", refunded ? amount : 0);
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
        g.writeNumberField("created", s.created());
        g.writeStringField("currency", currency);
        g.writeStringField("customer", Seeds.id("cus_", 14, r));
        int order = r.nextInt(1_000_000);
        if (rev.version() > 0) {
            order = versionStream(seed, s.id(), rev.version()).nextInt(1_000_000);
        }
        g.writeStringField("description", "Charge for order " + order);
        g.writeBooleanField("disputed", false);
        g.writeNullField("failure_code");
        g.writeNullField("failure_message");
        g.writeBooleanField("livemode", false);
        metadata(g, r, rev);
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
        g.writeStringField("brand", pick(r, FakeValues.BRANDS));
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
        g.writeBooleanField("refunded", refunded);
        g.writeStringField("status", "succeeded");
    }

    private void paymentIntent(JsonGenerator g, SplittableRandom r, Snapshot s) throws IOException {
        Revision rev = s.revision();
        String status = rev.status();
        boolean canceled = status.equals("canceled");
        long amount = amount(r);
        String secret = s.id() + "_secret_" + Seeds.id("", 24, r);
        String currency = pick(r, FakeValues.CURRENCIES);
        String customer = Seeds.id("cus_", 14, r);
        String description = "Payment for order " + r.nextInt(1_000_000);
        String charge = Seeds.id("ch_", 24, r);
        g.writeNumberField("amount", amount);
        g.writeNumberField("amount_capturable", 0);
        g.writeNumberField("amount_received", status.equals("succeeded") ? amount : 0);
        g.writeNullField("application");
        nullableSecond(g, "canceled_at", canceled, rev.statusAt() > 0 ? rev.statusAt() : s.created());
        g.writeStringField("cancellation_reason", canceled ? "requested_by_customer" : null);
        g.writeStringField("capture_method", "automatic");
        g.writeStringField("client_secret", secret);
        g.writeStringField("confirmation_method", "automatic");
        g.writeNumberField("created", s.created());
        g.writeStringField("currency", currency);
        g.writeStringField("customer", customer);
        g.writeStringField("description", description);
        g.writeStringField("latest_charge", status.equals("succeeded") ? charge : null);
        g.writeBooleanField("livemode", false);
        metadata(g, r, rev);
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

    private void product(JsonGenerator g, SplittableRandom r, Snapshot s) throws IOException {
        Revision rev = s.revision();
        String name = pick(r, FakeValues.PRODUCTS);
        String description = name + ": everything a growing team needs, billed monthly. Ref " + Seeds.id("", 12, r);
        if (rev.version() > 0) {
            name = pick(versionStream(seed, s.id(), rev.version()), FakeValues.PRODUCTS) + " (v" + rev.version() + ")";
        }
        g.writeBooleanField("active", "active".equals(rev.status()));
        g.writeNumberField("created", s.created());
        g.writeStringField("default_price", Seeds.id("price_", 24, r));
        g.writeStringField("description", description);
        g.writeArrayFieldStart("features");
        g.writeEndArray();
        g.writeArrayFieldStart("images");
        g.writeString("https://files.stripe.com/links/" + Seeds.id("", 40, r));
        g.writeEndArray();
        g.writeBooleanField("livemode", false);
        g.writeArrayFieldStart("marketing_features");
        g.writeEndArray();
        metadata(g, r, rev);
        g.writeStringField("name", name);
        g.writeNullField("package_dimensions");
        g.writeBooleanField("shippable", false);
        g.writeNullField("statement_descriptor");
        g.writeStringField("tax_code", "txcd_10000000");
        g.writeStringField("type", "service");
        g.writeNullField("unit_label");
        long updated = s.created() + r.nextInt(86_400);
        g.writeNumberField("updated", rev.updatedAt() > 0 ? rev.updatedAt() : updated);
        g.writeNullField("url");
    }

    private void price(JsonGenerator g, SplittableRandom r, Snapshot s) throws IOException {
        Revision rev = s.revision();
        boolean recurring = r.nextInt(4) != 0;
        long unit = amount(r);
        String currency = pick(r, FakeValues.CURRENCIES);
        String nickname = pick(r, FakeValues.PRODUCTS);
        if (rev.version() > 0) {
            nickname = pick(versionStream(seed, s.id(), rev.version()), FakeValues.PRODUCTS);
        }
        g.writeBooleanField("active", "active".equals(rev.status()));
        g.writeStringField("billing_scheme", "per_unit");
        g.writeNumberField("created", s.created());
        g.writeStringField("currency", currency);
        g.writeNullField("custom_unit_amount");
        g.writeBooleanField("livemode", false);
        g.writeStringField("lookup_key", null);
        metadata(g, r, rev);
        g.writeStringField("nickname", nickname + (recurring ? " monthly" : " one-off"));
        g.writeStringField("product", Seeds.id("prod_", 14, r));
        String interval = r.nextInt(5) == 0 ? "year" : "month";
        if (recurring) {
            g.writeObjectFieldStart("recurring");
            g.writeNullField("aggregate_usage");
            g.writeStringField("interval", interval);
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

    private void refund(JsonGenerator g, SplittableRandom r, Snapshot s) throws IOException {
        g.writeNumberField("amount", amount(r));
        g.writeStringField("balance_transaction", Seeds.id("txn_", 24, r));
        g.writeStringField("charge", Seeds.id("ch_", 24, r));
        g.writeNumberField("created", s.created());
        g.writeStringField("currency", pick(r, FakeValues.CURRENCIES));
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
        metadata(g, r, s.revision());
        g.writeStringField("payment_intent", Seeds.id("pi_", 24, r));
        g.writeStringField("reason", pick(r, REFUND_REASONS));
        g.writeStringField("receipt_number", String.format("%04d-%04d", r.nextInt(10_000), r.nextInt(10_000)));
        g.writeNullField("source_transfer_reversal");
        g.writeStringField("status", "succeeded");
        g.writeNullField("transfer_reversal");
    }
}
