package dev.sluice.server.trigger;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.ingest.IngestItem;
import dev.sluice.ingest.ItemForm;
import dev.sluice.objects.ObjectStore;
import dev.sluice.server.http.ApiError;
import dev.sluice.server.http.Responses;

/**
 * How a trigger.dev item line {@code {"index","task","payload","options"}} is stored.
 *
 * <ul>
 *   <li>Usually as the JSON envelope {@code {"task":…,"payload":…,"options":…}}: {@code payload} byte for byte as
 *       sent (the SDK sends a string, e.g. SuperJSON text with {@code options.payloadType}
 *       {@code "application/super+json"}; it is omitted when the line has none), {@code options} as sent
 *       ({@code {}} when absent). Other top-level fields are not kept. The envelope is stored inline, or offloaded
 *       by size like any payload, so a consumer reading {@code GET /v1/batches/{id}/items} sees what to run.</li>
 *   <li>When {@code options.payloadType} is {@code "application/store"}, {@code payload} is the
 *       {@code storagePath} the packets endpoint handed out: the item is stored as a reference to that object
 *       (which must exist and belong to the same key), sized by {@code options.payloadSize} (0 when not given).
 *       Only the object's bytes are kept for such an item: its task is the batch's ({@code taskIdentifiers} in the
 *       metadata) and its content type is in the path's extension, as in trigger.dev itself.</li>
 * </ul>
 */
final class TriggerItemForm implements ItemForm {
    static final String STORE_TYPE = "application/store";

    private final String ownerPrefix;

    TriggerItemForm(String owner) {
        this.ownerPrefix = PacketRoutes.ownerPrefix(owner);
    }

    @Override
    public Stored of(IngestItem item) {
        JsonNode task = item.extra().get("task");
        if (task == null || !task.isTextual() || task.asText().isEmpty()) {
            throw refuse(item, 400, "MALFORMED_ITEM", "\"task\" must be a non-empty string");
        }
        JsonNode options = item.extra().get("options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw refuse(item, 400, "MALFORMED_ITEM", "\"options\" must be an object");
        }
        boolean hasOptions = options != null && options.isObject();
        if (hasOptions && STORE_TYPE.equals(options.path("payloadType").asText(null))) {
            return reference(item, options);
        }
        // Built as bytes: the payload goes in as the client sent it, never decoded to a String.
        byte[] payload = item.payloadBytes();
        byte[] head = ("{\"task\":" + task + (payload != null ? ",\"payload\":" : "")).getBytes(UTF_8);
        byte[] tail = (",\"options\":" + (hasOptions ? options.toString() : "{}") + "}").getBytes(UTF_8);
        int payloadLength = payload == null ? 0 : payload.length;
        byte[] envelope = new byte[head.length + payloadLength + tail.length];
        System.arraycopy(head, 0, envelope, 0, head.length);
        if (payload != null) {
            System.arraycopy(payload, 0, envelope, head.length, payloadLength);
        }
        System.arraycopy(tail, 0, envelope, head.length + payloadLength, tail.length);
        return new JsonBytes(envelope);
    }

    private ObjectRef reference(IngestItem item, JsonNode options) {
        String key;
        try {
            JsonNode p = item.payload() == null ? null : Responses.JSON.readTree(item.payload());
            key = p != null && p.isTextual() ? p.asText() : null;
        } catch (JsonProcessingException e) {
            key = null;
        }
        if (key == null || !key.startsWith(ownerPrefix) || !validKey(key)) {
            throw refuse(item, 422, "INVALID_PACKET_REFERENCE", "with options.payloadType \"" + STORE_TYPE
                    + "\" the payload must be a storagePath from PUT /api/v2/packets/{path} for this API key");
        }
        JsonNode size = options.get("payloadSize");
        long bytes = 0;
        if (size != null && !size.isNull()) {
            if (!size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 0) {
                throw refuse(item, 400, "MALFORMED_ITEM", "options.payloadSize must be a non-negative integer");
            }
            bytes = size.asLong();
        }
        return new ObjectRef(key, bytes);
    }

    private static boolean validKey(String key) {
        try {
            ObjectStore.checkKey(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static ApiError refuse(IngestItem item, int status, String code, String problem) {
        return new ApiError(status, code, "line " + item.line() + ": item " + item.index() + ": " + problem,
                item.line(), item.index());
    }
}
