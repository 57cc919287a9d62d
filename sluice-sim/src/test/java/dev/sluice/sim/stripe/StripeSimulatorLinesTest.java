package dev.sluice.sim.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sim.stripe.SimClient.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Invoices embed their first 10 lines; {@code /v1/invoices/{id}/lines} pages them all, the same on every render. */
class StripeSimulatorLinesTest {

    static final long NOW = 1_750_000_000L;
    static StripeSimulator sim;
    static SimClient client;
    /** Line count → an invoice with that many lines. */
    static final Map<Integer, String> BY_COUNT = new HashMap<>();

    @BeforeAll
    static void start() {
        sim = StripeSimulator.start(StripeSimConfig.builder().port(0).now(NOW).seed(12).objects(200)
                .resources("invoices").invoiceLines("0,10,11,250").rps(Double.POSITIVE_INFINITY).build());
        client = new SimClient(sim);
        for (String id : sim.objects(null, "invoices").keySet()) {
            BY_COUNT.putIfAbsent(client.get("/v1/invoices/" + id).json().at("/lines/total_count").asInt(), id);
        }
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    /** Every line, paged with starting_after at the given limit. */
    private static List<JsonNode> pageLines(String invoice, int limit) {
        List<JsonNode> lines = new ArrayList<>();
        String after = null;
        while (true) {
            Reply r = client.get("/v1/invoices/" + invoice + "/lines?limit=" + limit
                    + (after == null ? "" : "&starting_after=" + after));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("object").asText()).isEqualTo("list");
            assertThat(r.json().get("url").asText()).isEqualTo("/v1/invoices/" + invoice + "/lines");
            r.json().get("data").forEach(lines::add);
            if (!r.hasMore()) {
                return lines;
            }
            after = r.ids().getLast();
        }
    }

    @Test
    void everyCountAppears() {
        assertThat(BY_COUNT).containsOnlyKeys(0, 10, 11, 250);
    }

    @Test
    void anInvoiceEmbedsAtMostTenLinesAndSaysWhetherThereAreMore() {
        for (int n : List.of(0, 10, 11, 250)) {
            JsonNode lines = client.get("/v1/invoices/" + BY_COUNT.get(n)).json().get("lines");
            assertThat(lines.get("object").asText()).isEqualTo("list");
            assertThat(lines.get("data")).as(n + " lines").hasSize(Math.min(n, 10));
            assertThat(lines.get("has_more").asBoolean()).as(n + " lines").isEqualTo(n > 10);
            assertThat(lines.get("total_count").asInt()).isEqualTo(n);
            assertThat(lines.get("url").asText()).isEqualTo("/v1/invoices/" + BY_COUNT.get(n) + "/lines");
        }
    }

    @Test
    void theLinesEndpointPagesEveryLineInOrderStartingWithTheEmbeddedOnes() {
        for (int n : List.of(0, 10, 11, 250)) {
            String id = BY_COUNT.get(n);
            List<JsonNode> all = pageLines(id, 100);
            assertThat(all).as(n + " lines").hasSize(n);
            assertThat(pageLines(id, 7)).isEqualTo(all);
            assertThat(all).extracting(l -> l.get("id").asText()).doesNotHaveDuplicates()
                    .allSatisfy(l -> assertThat(l).matches("il_[0-9A-Za-z]{24}"));
            assertThat(all).allSatisfy(l -> {
                assertThat(l.get("object").asText()).isEqualTo("line_item");
                assertThat(l.get("invoice").asText()).isEqualTo(id);
            });
            JsonNode embedded = client.get("/v1/invoices/" + id).json().at("/lines/data");
            for (int i = 0; i < embedded.size(); i++) {
                assertThat(embedded.get(i)).isEqualTo(all.get(i));
            }
        }
        Reply first = client.get("/v1/invoices/" + BY_COUNT.get(250) + "/lines");
        assertThat(first.ids()).hasSize(10);
        assertThat(first.hasMore()).isTrue();
    }

    @Test
    void linesAreStableAcrossRendersAndUpdates() {
        String id = BY_COUNT.get(11);
        List<JsonNode> before = pageLines(id, 100);
        sim.update(null, "invoices", id);
        assertThat(pageLines(id, 100)).isEqualTo(before);
        JsonNode complete = readTree(sim.objects(null, "invoices", true).get(id));
        assertThat(complete.at("/lines/data")).hasSize(11);
        assertThat(complete.at("/lines/has_more").asBoolean()).isFalse();
        assertThat(complete.at("/lines/data/10")).isEqualTo(before.get(10));
    }

    @Test
    void endingBeforeAndTheErrors() {
        String id = BY_COUNT.get(250);
        List<String> ids = pageLines(id, 100).stream().map(l -> l.get("id").asText()).toList();
        Reply before = client.get("/v1/invoices/" + id + "/lines?limit=5&ending_before=" + ids.get(100));
        assertThat(before.ids()).isEqualTo(ids.subList(95, 100));
        assertThat(before.hasMore()).isTrue();
        assertThat(client.get("/v1/invoices/" + id + "/lines?ending_before=" + ids.get(2)).ids())
                .isEqualTo(ids.subList(0, 2));
        assertThat(client.get("/v1/invoices/" + id + "/lines?limit=101").status()).isEqualTo(400);
        assertThat(client.get("/v1/invoices/" + id + "/lines?starting_after=il_nope").status()).isEqualTo(404);
        Reply unknown = client.get("/v1/invoices/in_nope/lines");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().at("/error/message").asText()).isEqualTo("No such invoice: 'in_nope'");
    }

    private static JsonNode readTree(String json) {
        try {
            return SimClient.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
