package dev.sluice.ingest.run;

import dev.sluice.ingest.BatchStore;
import dev.sluice.objects.ObjectStore;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires unsealed batches older than the TTL: the store marks them expired and drops their items, then their
 * payloads are deleted from the object store: every object their items referenced (client uploads included), and
 * everything under each batch's own prefix. The prefix also holds payloads that no row points at: a payload goes to
 * the store before its row, so a server that crashed in between, or a stream whose batch expired under it, left
 * one behind. Sealed batches are never touched.
 */
public final class BatchExpiry {
    private static final Logger LOG = LoggerFactory.getLogger(BatchExpiry.class);

    private final BatchStore store;
    private final ObjectStore objects;
    private final Duration ttl;
    private final Clock clock;

    public BatchExpiry(BatchStore store, ObjectStore objects, Duration ttl, Clock clock) {
        this.store = store;
        this.objects = objects;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Runs one sweep now; returns how many payload objects it deleted. */
    public int sweep() {
        BatchStore.Expired expired = store.expire(Instant.ofEpochMilli(clock.epochMillis()).minus(ttl));
        Set<String> prefixes = new HashSet<>();
        for (String id : expired.batchIds()) {
            prefixes.add(PayloadKeys.prefix(id));
        }
        int deleted = 0;
        for (String key : expired.objectKeys()) {
            int slash = key.lastIndexOf('/');
            if (slash > 0 && prefixes.contains(key.substring(0, slash))) {
                continue; // under its batch's prefix: deleteAll below takes it with the rest
            }
            try {
                objects.delete(key);
                deleted++;
            } catch (IOException e) {
                LOG.warn("could not delete expired payload {} from {}: {}", key, objects.describe(), e.getMessage());
            }
        }
        for (String id : expired.batchIds()) {
            String prefix = PayloadKeys.prefix(id);
            try {
                deleted += objects.deleteAll(prefix);
            } catch (IOException e) {
                LOG.warn("could not delete the payloads under {}/ of expired batch {} from {}: {}", prefix, id,
                        objects.describe(), e.getMessage());
            }
        }
        return deleted;
    }

    /** How often the server sweeps: a quarter of the TTL, at most once a minute's worth apart. */
    public Duration period() {
        Duration quarter = ttl.dividedBy(4);
        return quarter.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : quarter;
    }
}
