package dev.sluice.sim.stripe.internal;

import static dev.sluice.sim.stripe.internal.FakeValues.amount;
import static dev.sluice.sim.stripe.internal.FakeValues.pick;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An invoice's line items, derived from (seed, invoice id) alone: how many there are and what each holds, the
 * same on every render and never changed by the invoice's updates. An invoice embeds at most its first
 * {@link #EMBEDDED} lines, with {@code has_more}, {@code total_count} and {@code url}; {@code
 * GET /v1/invoices/{id}/lines} pages the rest, in the same order.
 */
public final class InvoiceLines {

    /** Lines an invoice embeds, as Stripe does. */
    public static final int EMBEDDED = 10;

    private final long seed;
    private final int[] counts;

    /** @param counts line counts an invoice draws from; empty for the default of 1 to 3 */
    public InvoiceLines(long seed, List<Integer> counts) {
        this.seed = seed;
        this.counts = counts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** How many lines the invoice has. */
    public int count(String invoiceId) {
        SplittableRandom r = Seeds.random(seed, invoiceId + "/lines");
        return counts.length == 0 ? 1 + r.nextInt(3) : counts[r.nextInt(counts.length)];
    }

    /** The invoice's currency, which its lines share. */
    public String currency(String invoiceId) {
        return pick(Seeds.random(seed, invoiceId + "/currency"), FakeValues.CURRENCIES);
    }

    /** The id of line {@code index} (from 0). */
    public String lineId(String invoiceId, int index) {
        return Seeds.id("il_", 24, Seeds.random(seed, invoiceId + "/line/" + index));
    }

    /** The index of a line id on this invoice, or -1. */
    public int indexOf(String invoiceId, String lineId) {
        int n = count(invoiceId);
        for (int i = 0; i < n; i++) {
            if (lineId(invoiceId, i).equals(lineId)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The invoice's {@code lines} field.
     *
     * @param complete all lines with {@code has_more: false} (what a copy holds once it fetched the rest), instead
     *                 of the first {@link #EMBEDDED} as Stripe embeds them
     */
    public void writeEmbedded(JsonGenerator g, String invoiceId, long invoiceCreated, boolean complete)
            throws IOException {
        int n = count(invoiceId);
        int shown = complete ? n : Math.min(n, EMBEDDED);
        g.writeObjectFieldStart("lines");
        g.writeStringField("object", "list");
        g.writeArrayFieldStart("data");
        for (int i = 0; i < shown; i++) {
            writeLine(g, invoiceId, invoiceCreated, i);
        }
        g.writeEndArray();
        g.writeBooleanField("has_more", shown < n);
        g.writeNumberField("total_count", n);
        g.writeStringField("url", url(invoiceId));
        g.writeEndObject();
    }

    /** {@code /v1/invoices/{id}/lines}. */
    public static String url(String invoiceId) {
        return "/v1/invoices/" + invoiceId + "/lines";
    }

    /** One {@code line_item}. */
    public void writeLine(JsonGenerator g, String invoiceId, long invoiceCreated, int index) throws IOException {
        SplittableRandom r = Seeds.random(seed, invoiceId + "/line/" + index);
        String id = Seeds.id("il_", 24, r); // first draw: the same as lineId()
        int quantity = 1 + r.nextInt(4);
        long unit = amount(r);
        String product = pick(r, FakeValues.PRODUCTS);
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", "line_item");
        g.writeNumberField("amount", unit * quantity);
        g.writeStringField("currency", currency(invoiceId));
        g.writeStringField("description", quantity + " × " + product);
        g.writeBooleanField("discountable", true);
        g.writeStringField("invoice", invoiceId);
        g.writeBooleanField("livemode", false);
        g.writeObjectFieldStart("metadata");
        g.writeEndObject();
        g.writeObjectFieldStart("period");
        g.writeNumberField("end", invoiceCreated);
        g.writeNumberField("start", invoiceCreated - 30 * 86_400L);
        g.writeEndObject();
        g.writeBooleanField("proration", false);
        g.writeNumberField("quantity", quantity);
        g.writeStringField("type", "subscription");
        g.writeEndObject();
    }
}
