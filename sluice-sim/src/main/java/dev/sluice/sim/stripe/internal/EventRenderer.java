package dev.sluice.sim.stripe.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes an event as Stripe's Events API and webhooks show it: {@code {id, object: "event", account? (Connect),
 * api_version, created, data: {object, previous_attributes?}, livemode, pending_webhooks, request: {id,
 * idempotency_key}, type}}. {@code data.object} is the object as the change left it;
 * {@code previous_attributes} holds, for an update, the old value of each field that changed (for a nested
 * object, only its changed keys; a key the update added has the old value null).
 */
public final class EventRenderer {

    /** The API version events are rendered with (one version: the simulator never changes shape). */
    public static final String API_VERSION = "2024-06-20";

    private EventRenderer() {
    }

    public static void write(JsonGenerator g, SimAccount account, EventRecord e) throws IOException {
        ObjectRenderer renderer = account.renderer();
        SplittableRandom r = Seeds.random(account.seed(), e.id() + "/request");
        g.writeStartObject();
        g.writeStringField("id", e.id());
        g.writeStringField("object", "event");
        if (e.account() != null) {
            g.writeStringField("account", e.account());
        }
        g.writeStringField("api_version", API_VERSION);
        g.writeNumberField("created", e.created());
        g.writeObjectFieldStart("data");
        g.writeFieldName("object");
        renderer.write(g, e.kind(), e.object());
        if (e.previous() != null) {
            JsonNode before = tree(renderer, e.kind(), new Snapshot(e.entry(), e.previous()));
            JsonNode after = tree(renderer, e.kind(), e.object());
            g.writeFieldName("previous_attributes");
            g.writeTree(previous((ObjectNode) before, (ObjectNode) after));
        }
        g.writeEndObject();
        g.writeBooleanField("livemode", false);
        g.writeNumberField("pending_webhooks", e.delivery().pending());
        g.writeObjectFieldStart("request");
        g.writeStringField("id", Seeds.id("req_", 14, r));
        g.writeStringField("idempotency_key", "sim-" + Seeds.id("", 24, r));
        g.writeEndObject();
        g.writeStringField("type", e.type());
        g.writeEndObject();
    }

    /** The old values of the fields that differ, recursing into objects present on both sides. */
    static ObjectNode previous(ObjectNode before, ObjectNode after) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Set<String> names = new LinkedHashSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode old = before.get(name);
            JsonNode now = after.get(name);
            if (old != null && old.equals(now)) {
                continue;
            }
            if (old instanceof ObjectNode o && now instanceof ObjectNode n) {
                out.set(name, previous(o, n));
            } else {
                out.set(name, old == null ? JsonNodeFactory.instance.nullNode() : old);
            }
        }
        return out;
    }

    private static JsonNode tree(ObjectRenderer renderer, ResourceKind kind, Snapshot s) {
        try {
            return Json.MAPPER.readTree(Json.bytes(g -> renderer.write(g, kind, s)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
