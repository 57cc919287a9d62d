package dev.sluice.sim.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A plain java.net.http client for tests: one GET, parsed. */
final class SimClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";

    record Reply(int status, HttpResponse<String> raw, JsonNode json) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        List<String> ids() {
            List<String> ids = new ArrayList<>();
            json.get("data").forEach(o -> ids.add(o.get("id").asText()));
            return ids;
        }

        List<Long> created() {
            List<Long> created = new ArrayList<>();
            json.get("data").forEach(o -> created.add(o.get("created").asLong()));
            return created;
        }

        boolean hasMore() {
            return json.get("has_more").asBoolean();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    SimClient(StripeSimulator sim) {
        this.baseUrl = sim.baseUrl();
    }

    Reply get(String pathAndQuery) {
        return get(pathAndQuery, "Bearer " + KEY);
    }

    Reply get(String pathAndQuery, String authorization) {
        return get(pathAndQuery, authorization, null);
    }

    /** A GET acting as a connected account ({@code Stripe-Account}); null for the platform. */
    Reply getAs(String account, String pathAndQuery) {
        return get(pathAndQuery, "Bearer " + KEY, account);
    }

    Reply get(String pathAndQuery, String authorization, String stripeAccount) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (stripeAccount != null) {
            b.header("Stripe-Account", stripeAccount);
        }
        try {
            return parse(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply post(String path) {
        HttpRequest r = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            return parse(http.send(r, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Item(String id, long created) {
    }

    /** Pages through {@code /v1/<resource>?<filter>} with starting_after; returns every item in order. */
    List<Item> pageAll(String resource, String filter, int limit) {
        return pageAll(null, resource, filter, limit);
    }

    /** As above, acting as {@code account} (null: the platform). */
    List<Item> pageAll(String account, String resource, String filter, int limit) {
        List<Item> items = new ArrayList<>();
        String after = null;
        while (true) {
            String q = "/v1/" + resource + "?limit=" + limit + (filter.isEmpty() ? "" : "&" + filter)
                    + (after == null ? "" : "&starting_after=" + after);
            Reply r = getAs(account, q);
            if (r.status() != 200) {
                throw new AssertionError("status " + r.status() + " for " + q + ": " + r.raw().body());
            }
            List<String> page = r.ids();
            List<Long> created = r.created();
            for (int i = 0; i < page.size(); i++) {
                items.add(new Item(page.get(i), created.get(i)));
            }
            if (!r.hasMore()) {
                return items;
            }
            if (page.isEmpty()) {
                throw new AssertionError("has_more with an empty page at " + q);
            }
            after = page.getLast();
        }
    }

    private static Reply parse(HttpResponse<String> response) throws IOException {
        String body = response.body();
        JsonNode json = body == null || body.isEmpty() ? null : JSON.readTree(body);
        return new Reply(response.statusCode(), response, json);
    }
}
