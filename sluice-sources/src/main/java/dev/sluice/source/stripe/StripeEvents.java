package dev.sluice.source.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sync.Change;
import dev.sluice.sync.Change.Event;
import dev.sluice.sync.FeedEvent;
import java.util.Optional;

/**
 * Reads one Stripe event — listed by {@code /v1/events} or pushed to a webhook, the same shape — into the change it
 * carries: {@code data.object} as the object's state, its {@code created} second and type rank as its version. An
 * event that is not an event is malformed; one the sync cannot use (an unknown type, {@code invoice.upcoming}, an
 * object without an id, an object of another kind than the type says) is skipped with the reason.
 *
 * <p>A deletion's payload is kept as the object's last data unless it is a stub ({@code {id, object, deleted:
 * true}}, as Stripe may send for a deleted customer), in which case the stored data stays.
 */
public final class StripeEvents {
    private StripeEvents() {
    }

    /**
     * @return the event, or empty when {@code event} is not a Stripe event at all (no string id, type or integer
     *         created)
     */
    public static Optional<FeedEvent> read(JsonNode event) {
        JsonNode id = event.get("id");
        JsonNode type = event.get("type");
        JsonNode created = event.get("created");
        if (id == null || !id.isTextual() || type == null || !type.isTextual() || created == null
                || !created.canConvertToLong()) {
            return Optional.empty();
        }
        long second = created.asLong();
        String name = type.asText();
        Optional<StripeEventTypes.Type> known = StripeEventTypes.of(name);
        if (known.isEmpty()) {
            return Optional.of(FeedEvent.skipped(id.asText(), second, name, "unknown type"));
        }
        StripeEventTypes.Type t = known.get();
        JsonNode object = event.path("data").path("object");
        JsonNode objectId = object.get("id");
        if (!object.isObject() || objectId == null || !objectId.isTextual()) {
            return Optional.of(FeedEvent.skipped(id.asText(), second, name, "no object id"));
        }
        if (!t.objectType().equals(object.path("object").asText(t.objectType()))) {
            return Optional.of(FeedEvent.skipped(id.asText(), second, name,
                    "object is " + object.path("object").asText() + ", not " + t.objectType()));
        }
        JsonNode objectCreated = object.get("created");
        long createdSecond = objectCreated != null && objectCreated.canConvertToLong() ? objectCreated.asLong()
                : Change.UNKNOWN_CREATED;
        boolean stub = t.kind() == Change.Kind.DELETE && object.path("deleted").asBoolean(false);
        String json = stub ? null : object.toString();
        Change change = Change.ofEvent(t.resource(), objectId.asText(), createdSecond, json, t.kind(),
                new Event(id.asText(), second, t.rank(), name));
        return Optional.of(FeedEvent.of(change));
    }
}
