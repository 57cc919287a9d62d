package dev.sluice.server.webhooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.pull.FetchFailure;
import dev.sluice.server.http.ApiError;
import dev.sluice.server.http.Handlers;
import dev.sluice.server.http.Responses;
import dev.sluice.sync.ChangeSink.Applied;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.FeedEvent;
import dev.sluice.sync.PushedEvents;
import dev.sluice.sync.PushedEvents.Accepted;
import dev.sluice.sync.PushedEvents.Refused;
import dev.sluice.sync.run.ChangeApplier;
import dev.sluice.time.Clock;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An endpoint a source pushes its events to (Stripe's webhooks at {@code /v1/stripe/webhooks}): authenticated by the
 * delivery's own signature, not an API key, and applied through the same {@link ChangeApplier} — the same version
 * rule, the same applied-event ids — as a polling sync.
 *
 * <p>What must stay true: a 2xx goes out only after the event is committed, or when it is a known duplicate or a type
 * that is not used (a sender retries anything else for days); a refused delivery changes nothing; while the database
 * or the source cannot be reached the answer is 503, so the sender retries.
 */
public final class WebhookRoute {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoute.class);

    /** Where events go: the namespace of the tables and how deletions are kept there. */
    public record Target(String namespace, DeletionMode deletes) {
        public Target {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(deletes, "deletes");
        }
    }

    private final String path;
    private final PushedEvents events;
    private final ChangeApplier applier;
    private final Target target;
    private final Clock clock;
    private final int maxBodyBytes;
    private final long maxDrainBytes;

    public WebhookRoute(String path, PushedEvents events, ChangeApplier applier, Target target, Clock clock,
            int maxBodyBytes, long maxDrainBytes) {
        this.path = path;
        this.events = events;
        this.applier = applier;
        this.target = target;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
        this.maxDrainBytes = maxDrainBytes;
    }

    public void register(HttpRules rules) {
        rules.post(path, Handlers.guarded(this::deliver, maxDrainBytes));
    }

    private void deliver(ServerRequest req, ServerResponse res) throws Exception {
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(maxBodyBytes + 1);
        }
        if (body.length > maxBodyBytes) {
            throw new ApiError(413, "BODY_TOO_LARGE", "an event must be under " + maxBodyBytes + " bytes");
        }
        PushedEvents.Verdict verdict = events.read(name -> req.headers().first(HeaderNames.create(name)).orElse(null),
                body, clock.epochSecond());
        if (verdict instanceof Refused r) {
            throw new ApiError(400, r.code(), r.message());
        }
        FeedEvent event = ((Accepted) verdict).event();
        ObjectNode out = Responses.JSON.createObjectNode();
        out.put("received", true);
        out.put("id", event.id());
        if (event.change() == null) {
            out.put("ignored", event.skipped());
            Responses.json(res, 200, out);
            return;
        }
        Applied applied;
        try {
            applied = applier.apply(target.namespace(), target.deletes(), List.of(event.change()), null);
        } catch (FetchFailure e) {
            LOG.warn("webhook {}: the object could not be re-read: {}", event.id(), e.getMessage());
            throw new ApiError(503, "SOURCE_UNAVAILABLE", "the event's object could not be read again to settle its "
                    + "order; try again later");
        } catch (RuntimeException e) {
            LOG.warn("webhook {}: not committed: {}", event.id(), e.toString());
            LOG.debug("webhook {}", event.id(), e);
            throw new ApiError(503, "DATABASE_UNAVAILABLE", "the event could not be committed; try again later");
        }
        out.put("duplicate", applied.duplicates() > 0);
        Responses.json(res, 200, out);
    }
}
