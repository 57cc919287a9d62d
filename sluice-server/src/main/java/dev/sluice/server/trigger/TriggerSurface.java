package dev.sluice.server.trigger;

import dev.sluice.objects.ObjectStore;
import dev.sluice.server.batches.ItemsEndpoint;
import dev.sluice.server.http.ApiKeys;
import dev.sluice.time.Clock;
import io.helidon.webserver.http.HttpRules;
import java.time.Duration;

/**
 * The trigger.dev v3 compatibility surface, so its official SDK ({@code tasks.batchTrigger}) can stream batches
 * into Sluice: the batch routes and the packet (large payload) routes, wired together.
 */
public final class TriggerSurface {
    /** How long a presigned upload URL stays good. */
    public static final Duration UPLOAD_URL_TTL = Duration.ofMinutes(15);

    private final TriggerBatchRoutes batches;
    private final PacketRoutes packets;

    public TriggerSurface(ItemsEndpoint endpoint, ObjectStore objects, ApiKeys keys, Clock clock) {
        this.batches = new TriggerBatchRoutes(endpoint, keys);
        String secret = endpoint.config().uploadSecret();
        UploadSigner signer = secret == null ? UploadSigner.random(clock, UPLOAD_URL_TTL)
                : UploadSigner.shared(secret, clock, UPLOAD_URL_TTL);
        this.packets = new PacketRoutes(objects, keys, signer, endpoint.config().maxItemBytes(),
                endpoint.config().maxDrainBytes());
    }

    public void register(HttpRules rules) {
        batches.register(rules);
        packets.register(rules);
    }
}
