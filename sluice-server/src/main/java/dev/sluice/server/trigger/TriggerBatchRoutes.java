package dev.sluice.server.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore;
import dev.sluice.ingest.run.IngestResult;
import dev.sluice.server.batches.ItemsEndpoint;
import dev.sluice.server.http.ApiError;
import dev.sluice.server.http.ApiKeys;
import dev.sluice.server.http.Handlers;
import dev.sluice.server.http.Responses;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;

/**
 * trigger.dev v3's two-phase batch API over Sluice batches: {@code POST /api/v3/batches} creates one
 * ({@code runCount} is its expected count; the other fields are kept in its metadata under {@code "trigger"}), and
 * {@code POST /api/v3/batches/{id}/items} streams its NDJSON items through the same pipeline as the native API, in
 * {@link TriggerItemForm}. Errors are the native JSON errors, sent after the body is drained; an unknown batch is
 * 404 (not trigger.dev's 422) and invalid UTF-8 is 400 (not 500), so the SDK does not retry what cannot succeed.
 */
public final class TriggerBatchRoutes {
    private static final int MAX_IDEMPOTENCY_KEY = 2048;

    private final ItemsEndpoint endpoint;
    private final ApiKeys keys;

    TriggerBatchRoutes(ItemsEndpoint endpoint, ApiKeys keys) {
        this.endpoint = endpoint;
        this.keys = keys;
    }

    public void register(HttpRules rules) {
        long drain = endpoint.config().maxDrainBytes();
        rules.post("/api/v3/batches", Handlers.guarded(this::create, drain))
                .post("/api/v3/batches/{id}/items", Handlers.guarded(this::items, drain));
    }

    private void create(ServerRequest req, ServerResponse res) throws IOException {
        String owner = keys.authenticate(req);
        JsonNode body = Handlers.readJsonObject(req, 1024 * 1024, "{\"runCount\": 100}");
        JsonNode count = body.get("runCount");
        if (count == null || !count.isIntegralNumber() || !count.canConvertToLong()) {
            throw ApiError.badRequest("runCount must be an integer");
        }
        long runCount = count.asLong();
        long max = endpoint.config().maxBatchItems();
        if (runCount < 1 || runCount > max) {
            throw new ApiError(422, "RUN_COUNT_OUT_OF_RANGE", "runCount must be in [1, " + max + "], was " + runCount);
        }
        String idempotencyKey = null;
        JsonNode key = body.get("idempotencyKey");
        if (key != null && !key.isNull()) {
            if (!key.isTextual() || key.asText().isEmpty() || key.asText().length() > MAX_IDEMPOTENCY_KEY) {
                throw ApiError.badRequest("idempotencyKey must be a string of 1-" + MAX_IDEMPOTENCY_KEY + " characters");
            }
            idempotencyKey = key.asText();
        }
        ObjectNode trigger = Responses.JSON.createObjectNode();
        copy(body, trigger, "taskIdentifiers", n -> n.isArray() && allNonEmptyStrings(n), "an array of task ids");
        copy(body, trigger, "parentRunId", JsonNode::isTextual, "a string");
        copy(body, trigger, "resumeParentOnCompletion", JsonNode::isBoolean, "a boolean");
        copy(body, trigger, "idempotencyKeyOptions", JsonNode::isObject, "an object");
        ObjectNode metadata = Responses.JSON.createObjectNode();
        metadata.set("trigger", trigger);
        BatchStore.Created c = endpoint.store().create(owner, runCount, idempotencyKey, metadata.toString());
        ObjectNode out = Responses.JSON.createObjectNode();
        out.put("id", c.batch().id());
        out.put("runCount", c.batch().expectedCount());
        out.put("isCached", !c.isNew());
        if (c.batch().idempotencyKey() != null) {
            out.put("idempotencyKey", c.batch().idempotencyKey());
        }
        Responses.json(res, c.isNew() ? 202 : 200, out);
    }

    private void items(ServerRequest req, ServerResponse res) throws Exception {
        String owner = keys.authenticate(req);
        Batch batch = endpoint.owned(req.path().pathParameters().get("id"), owner);
        IngestResult r = endpoint.take(req, batch, new TriggerItemForm(owner));
        ObjectNode out = Responses.JSON.createObjectNode();
        out.put("id", batch.id());
        out.put("itemsAccepted", r.accepted());
        out.put("itemsDeduplicated", r.deduplicated());
        out.put("sealed", r.sealed());
        out.put("enqueuedCount", r.enqueuedCount());
        out.put("expectedCount", batch.expectedCount());
        Responses.json(res, 200, out);
    }

    private static void copy(JsonNode from, ObjectNode to, String field,
            java.util.function.Predicate<JsonNode> valid, String what) {
        JsonNode v = from.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (!valid.test(v)) {
            throw ApiError.badRequest(field + " must be " + what);
        }
        to.set(field, v);
    }

    private static boolean allNonEmptyStrings(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isTextual() || n.asText().isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
