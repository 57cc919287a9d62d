package dev.sluice.sim.stripe.internal;

import static dev.sluice.sim.stripe.internal.FakeValues.amount;
import static dev.sluice.sim.stripe.internal.FakeValues.email;
import static dev.sluice.sim.stripe.internal.FakeValues.metadata;
import static dev.sluice.sim.stripe.internal.FakeValues.name;
import static dev.sluice.sim.stripe.internal.FakeValues.nullableSecond;
import static dev.sluice.sim.stripe.internal.FakeValues.pick;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Invoices and subscriptions, the two resources whose statuses carry timestamps ({@code status_transitions},
 * {@code canceled_at}) and whose bodies embed lists. Every random value is drawn whatever the status, so a change
 * of status changes only the fields that depend on it.
 */
final class BillingRenderer {

    private static final long DAY = 86_400;

    private final long seed;
    private final long dataEnd;
    private final InvoiceLines lines;

    BillingRenderer(long seed, long dataEnd, InvoiceLines lines) {
        this.seed = seed;
        this.dataEnd = dataEnd;
        this.lines = lines;
    }

    void invoice(JsonGenerator g, SplittableRandom r, Snapshot s, boolean completeLines) throws IOException {
        Revision rev = s.revision();
        String status = rev.status();
        boolean draft = status.equals("draft");
        long due = amount(r);
        long paid = status.equals("paid") ? due : 0;
        String name = name(r);
        String email = email(name, r);
        String reason = r.nextBoolean() ? "subscription_cycle" : "manual";
        String customer = Seeds.id("cus_", 14, r);
        String hosted = "https://invoice.stripe.com/i/" + Seeds.id("acct_", 16, r);
        String number = Seeds.id("", 8, r).toUpperCase(Locale.ROOT) + "-" + String.format("%04d", 1 + r.nextInt(9_999));
        String subscription = Seeds.id("sub_", 14, r);
        long created = s.created();
        long at = rev.statusAt() > 0 ? rev.statusAt() : created;
        g.writeStringField("account_country", "US");
        g.writeStringField("account_name", "Sluice Simulated Inc.");
        g.writeNumberField("amount_due", due);
        g.writeNumberField("amount_paid", paid);
        g.writeNumberField("amount_remaining", due - paid);
        g.writeNumberField("attempt_count", draft ? 0 : 1);
        g.writeBooleanField("attempted", !draft);
        g.writeBooleanField("auto_advance", draft || status.equals("open"));
        g.writeStringField("billing_reason", reason);
        g.writeStringField("collection_method", "charge_automatically");
        g.writeNumberField("created", created);
        g.writeStringField("currency", lines.currency(s.id()));
        g.writeStringField("customer", customer);
        g.writeStringField("customer_email", email);
        g.writeStringField("customer_name", name);
        g.writeStringField("description", rev.version() == 0 ? null
                : pick(FakeValues.versionStream(seed, s.id(), rev.version()), FakeValues.NOTES));
        g.writeNullField("due_date");
        g.writeStringField("hosted_invoice_url", hosted);
        lines.writeEmbedded(g, s.id(), created, completeLines);
        g.writeBooleanField("livemode", false);
        metadata(g, r, rev);
        g.writeStringField("number", draft ? null : number);
        g.writeBooleanField("paid", status.equals("paid"));
        g.writeNumberField("period_end", created);
        g.writeNumberField("period_start", created - 30 * DAY);
        g.writeStringField("status", status);
        g.writeObjectFieldStart("status_transitions");
        nullableSecond(g, "finalized_at", !draft, rev.finalizedAt() > 0 ? rev.finalizedAt() : created);
        nullableSecond(g, "marked_uncollectible_at", status.equals("uncollectible"), at);
        nullableSecond(g, "paid_at", status.equals("paid"), at);
        nullableSecond(g, "voided_at", status.equals("void"), at);
        g.writeEndObject();
        g.writeStringField("subscription", subscription);
        g.writeNumberField("subtotal", due);
        g.writeNumberField("tax", 0);
        g.writeNumberField("total", due);
    }

    void subscription(JsonGenerator g, SplittableRandom r, Snapshot s) throws IOException {
        Revision rev = s.revision();
        String status = rev.status();
        long created = s.created();
        long periodEnd = created + 30 * DAY;
        String currency = pick(r, FakeValues.CURRENCIES);
        long unit = amount(r);
        String customer = Seeds.id("cus_", 14, r);
        String paymentMethod = Seeds.id("pm_", 24, r);
        String item = Seeds.id("si_", 14, r);
        String price = Seeds.id("price_", 24, r);
        String product = Seeds.id("prod_", 14, r);
        int quantity = 1 + r.nextInt(5);
        String latestInvoice = Seeds.id("in_", 24, r);
        // A subscription generated as ended ended some time after it started, but before the data's end.
        long endedAsGenerated = Math.min(created + 1 + r.nextLong(365 * DAY), Math.max(created, dataEnd - 1));
        long endedAt = rev.statusAt() > 0 ? rev.statusAt() : endedAsGenerated;
        boolean canceled = status.equals("canceled");
        boolean ended = canceled || status.equals("incomplete_expired");
        if (rev.version() > 0) {
            quantity = 1 + FakeValues.versionStream(seed, s.id(), rev.version()).nextInt(5);
        }
        g.writeNullField("application");
        g.writeNumberField("billing_cycle_anchor", created);
        g.writeNullField("cancel_at");
        g.writeBooleanField("cancel_at_period_end", false);
        nullableSecond(g, "canceled_at", canceled, endedAt);
        g.writeStringField("collection_method", "charge_automatically");
        g.writeNumberField("created", created);
        g.writeStringField("currency", currency);
        g.writeNumberField("current_period_end", periodEnd);
        g.writeNumberField("current_period_start", created);
        g.writeStringField("customer", customer);
        g.writeStringField("default_payment_method", paymentMethod);
        nullableSecond(g, "ended_at", ended, endedAt);
        g.writeObjectFieldStart("items");
        g.writeStringField("object", "list");
        g.writeArrayFieldStart("data");
        g.writeStartObject();
        g.writeStringField("id", item);
        g.writeStringField("object", "subscription_item");
        g.writeNumberField("created", created);
        g.writeObjectFieldStart("price");
        g.writeStringField("id", price);
        g.writeStringField("object", "price");
        g.writeStringField("currency", currency);
        g.writeStringField("product", product);
        g.writeNumberField("unit_amount", unit);
        g.writeEndObject();
        g.writeNumberField("quantity", quantity);
        g.writeEndObject();
        g.writeEndArray();
        g.writeBooleanField("has_more", false);
        g.writeNumberField("total_count", 1);
        g.writeStringField("url", "/v1/subscription_items?subscription=" + s.id());
        g.writeEndObject();
        g.writeStringField("latest_invoice", latestInvoice);
        g.writeBooleanField("livemode", false);
        metadata(g, r, rev);
        g.writeNumberField("start_date", created);
        g.writeStringField("status", status);
        g.writeNullField("trial_end");
        g.writeNullField("trial_start");
    }
}
