package dev.sluice.server.batches;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore;
import dev.sluice.ingest.IndexRanges;
import dev.sluice.ingest.ItemForm;
import dev.sluice.ingest.ItemRecord;
import dev.sluice.ingest.run.IngestResult;
import dev.sluice.objects.ObjectStore;
import dev.sluice.server.ServerConfig;
import dev.sluice.server.http.ApiError;
import dev.sluice.server.http.ApiKeys;
import dev.sluice.server.http.Handlers;
import dev.sluice.server.http.Responses;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The native batch API: {@code POST /v1/batches}, {@code POST /v1/batches/{id}/items} (NDJSON, streamed),
 * {@code GET /v1/batches/{id}} and {@code GET /v1/batches/{id}/items}.
 *
 * <p>Every refusal is JSON {@code {"error":{"code","message","line"?,"index"?}}} and is sent only after the request
 * body was read (bounded), so a streaming client never hangs on an early answer.
 */
public final class BatchRoutes {
    /** Missing ranges listed in one answer at most; {@code missingTruncated} says when there are more. */
    static final int MISSING_LIMIT = 100;

    private final ItemsEndpoint endpoint;
    private final BatchStore store;
    private final ObjectStore objects;
    private final ApiKeys keys;
    private final ServerConfig config;

    public BatchRoutes(ItemsEndpoint endpoint, ObjectStore objects, ApiKeys keys) {
        this.endpoint = endpoint;
        this.store = endpoint.store();
        this.objects = objects;
        this.keys = keys;
        this.config = endpoint.config();
    }

    public void register(HttpRules rules) {
        rules.post("/v1/batches", guarded(this::create))
                .post("/v1/batches/{id}/items", guarded(this::items))
                .get("/v1/batches/{id}", guarded(this::status))
                .get("/v1/batches/{id}/items", guarded(this::list));
    }

    private io.helidon.webserver.http.Handler guarded(Handlers.Throwing h) {
        return Handlers.guarded(h, config.maxDrainBytes());
    }

    private void create(ServerRequest req, ServerResponse res) throws IOException {
        String owner = keys.authenticate(req);
        JsonNode body = Handlers.readJsonObject(req, 1024 * 1024, "{\"expectedCount\": 100}");
        JsonNode count = body.get("expectedCount");
        if (count == null || !count.canConvertToLong() || !count.isIntegralNumber()) {
            throw new ApiError(400, "BAD_REQUEST", "expectedCount must be an integer");
        }
        long expected = count.asLong();
        if (expected < 1 || expected > config.maxBatchItems()) {
            throw new ApiError(422, "EXPECTED_COUNT_OUT_OF_RANGE",
                    "expectedCount must be in [1, " + config.maxBatchItems() + "], was " + expected);
        }
        String key = req.headers().first(HeaderNames.create("Idempotency-Key")).orElse(null);
        JsonNode keyNode = body.get("idempotencyKey");
        if (keyNode != null && !keyNode.isNull()) {
            if (!keyNode.isTextual() || keyNode.asText().isEmpty() || keyNode.asText().length() > 256) {
                throw new ApiError(400, "BAD_REQUEST", "idempotencyKey must be a string of 1-256 characters");
            }
            key = keyNode.asText();
        }
        JsonNode metadata = body.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            throw new ApiError(400, "BAD_REQUEST", "metadata must be a JSON object");
        }
        BatchStore.Created c = store.create(owner, expected, key,
                metadata == null || metadata.isNull() ? null : metadata.toString());
        ObjectNode out = describe(c.batch());
        Responses.json(res, c.isNew() ? 201 : 200, out);
    }

    private void items(ServerRequest req, ServerResponse res) throws Exception {
        String owner = keys.authenticate(req);
        Batch batch = batchOf(req, owner);
        IngestResult r = endpoint.take(req, batch, ItemForm.NATIVE);
        ObjectNode out = Responses.JSON.createObjectNode();
        out.put("id", batch.id());
        out.put("itemsAccepted", r.accepted());
        out.put("itemsDeduplicated", r.deduplicated());
        out.put("itemsFailed", r.failed());
        out.put("sealed", r.sealed());
        out.put("enqueuedCount", r.enqueuedCount());
        out.put("expectedCount", batch.expectedCount());
        if (!r.sealed()) {
            putMissing(out, batch.id());
        }
        Responses.json(res, 200, out);
    }

    private void status(ServerRequest req, ServerResponse res) {
        String owner = keys.authenticate(req);
        Batch batch = batchOf(req, owner);
        ObjectNode out = describe(batch);
        BatchStore.Counts counts = store.counts(batch.id());
        out.put("itemsStored", counts.stored());
        out.put("itemsFailed", counts.failed());
        out.put("enqueuedCount", counts.total());
        if (batch.status() == Batch.Status.OPEN) {
            putMissing(out, batch.id());
        }
        Responses.json(res, 200, out);
    }

    private void list(ServerRequest req, ServerResponse res) throws IOException {
        String owner = keys.authenticate(req);
        Batch batch = batchOf(req, owner);
        long after = queryLong(req, "after", -1, -1, Long.MAX_VALUE);
        int limit = (int) queryLong(req, "limit", 100, 1, 1000);
        boolean resolve = req.query().first("resolve").map(Boolean::parseBoolean).orElse(false);
        List<ItemRecord> items = store.items(batch.id(), after, limit);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JsonGenerator g = Responses.JSON.getFactory().createGenerator(buf)) {
            g.writeStartObject();
            g.writeStringField("id", batch.id());
            g.writeArrayFieldStart("items");
            for (ItemRecord r : items) {
                g.writeStartObject();
                g.writeNumberField("index", r.index());
                if (r.failed()) {
                    g.writeObjectFieldStart("error");
                    g.writeStringField("code", r.errorCode());
                    g.writeStringField("message", r.errorMessage());
                    g.writeEndObject();
                } else if (r.payload() != null) {
                    g.writeFieldName("payload");
                    g.writeRawValue(r.payload());
                } else if (resolve) {
                    try (InputStream in = objects.get(r.objectKey())) {
                        g.writeFieldName("payload");
                        g.writeRawValue(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                } else {
                    g.writeStringField("payloadRef", r.objectKey());
                    g.writeNumberField("payloadBytes", r.payloadBytes());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            if (items.size() == limit) {
                g.writeNumberField("next", items.get(items.size() - 1).index());
            }
            g.writeEndObject();
        }
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(buf.toByteArray());
    }

    private Batch batchOf(ServerRequest req, String owner) {
        return endpoint.owned(req.path().pathParameters().get("id"), owner);
    }

    private ObjectNode describe(Batch b) {
        ObjectNode out = Responses.JSON.createObjectNode();
        out.put("id", b.id());
        out.put("status", b.status().wire());
        out.put("expectedCount", b.expectedCount());
        out.put("sealed", b.sealed());
        out.put("createdAt", b.createdAt().toString());
        if (b.sealedAt() != null) {
            out.put("sealedAt", b.sealedAt().toString());
        }
        if (b.idempotencyKey() != null) {
            out.put("idempotencyKey", b.idempotencyKey());
        }
        if (b.metadata() != null) {
            try {
                out.set("metadata", Responses.JSON.readTree(b.metadata()));
            } catch (IOException e) {
                out.put("metadata", b.metadata());
            }
        }
        return out;
    }

    private void putMissing(ObjectNode out, String batchId) {
        List<IndexRanges.Range> missing = store.missing(batchId, MISSING_LIMIT + 1);
        ArrayNode arr = out.putArray("missing");
        for (int i = 0; i < Math.min(MISSING_LIMIT, missing.size()); i++) {
            arr.addObject().put("from", missing.get(i).from()).put("to", missing.get(i).to());
        }
        if (missing.size() > MISSING_LIMIT) {
            out.put("missingTruncated", true);
        }
    }

    private static long queryLong(ServerRequest req, String name, long dflt, long min, long max) {
        Optional<String> v = req.query().first(name).asOptional();
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.get());
            if (n < min || n > max) {
                throw ApiError.badRequest(name + " must be in [" + min + ", " + max + "], was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be an integer, was '" + v.get() + "'");
        }
    }


}
