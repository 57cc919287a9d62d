package dev.sluice.server.batches;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore;
import dev.sluice.ingest.ItemForm;
import dev.sluice.ingest.run.Ingest;
import dev.sluice.ingest.run.IngestResult;
import dev.sluice.server.ServerConfig;
import dev.sluice.server.http.ApiError;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;

/**
 * What every surface's items endpoint shares: the owner's batch, the request's content type, the engine
 * ({@link Ingest}) fed with the request body, and the metrics. A surface supplies only its {@link ItemForm} and
 * writes its own answer from the {@link IngestResult}; refusals are thrown, and answered by the one mapping in
 * {@link dev.sluice.server.http.Handlers}.
 */
public final class ItemsEndpoint {
    private final Ingest ingest;
    private final BatchStore store;
    private final ServerConfig config;
    private final Counter accepted;
    private final Counter deduplicated;
    private final Counter failedItems;
    private final Counter sealed;

    public ItemsEndpoint(Ingest ingest, BatchStore store, ServerConfig config, MeterRegistry metrics) {
        this.ingest = ingest;
        this.store = store;
        this.config = config;
        this.accepted = Counter.builder("sluice_ingest_items").tag("result", "accepted").register(metrics);
        this.deduplicated = Counter.builder("sluice_ingest_items").tag("result", "deduplicated").register(metrics);
        this.failedItems = Counter.builder("sluice_ingest_items").tag("result", "failed").register(metrics);
        this.sealed = Counter.builder("sluice_ingest_batches_sealed").register(metrics);
    }

    public BatchStore store() {
        return store;
    }

    public ServerConfig config() {
        return config;
    }

    /** The batch {@code id} if {@code owner} owns it; 404 otherwise (another key's batch is not revealed). */
    public Batch owned(String id, String owner) {
        Optional<Batch> b = store.find(id);
        if (b.isEmpty() || !b.get().owner().equals(owner)) {
            throw ApiError.notFound("no batch " + id);
        }
        return b.get();
    }

    /**
     * Takes the request's NDJSON body into {@code batch}, each line stored in {@code form}, and seals the batch when
     * it is complete. A refused line throws after everything before it is committed.
     */
    public IngestResult take(ServerRequest req, Batch batch, ItemForm form) throws IOException, InterruptedException {
        HttpMediaType type = req.headers().contentType().orElse(null);
        String mime = type == null ? "" : type.mediaType().text().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/x-ndjson") && !mime.equals("application/jsonl")) {
            throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE",
                    "items must be sent as Content-Type: application/x-ndjson, was '" + (type == null ? "" : type.text()) + "'");
        }
        IngestResult r;
        try (InputStream in = req.content().inputStream()) {
            r = ingest.run(batch, in, form);
        }
        accepted.increment(r.accepted());
        deduplicated.increment(r.deduplicated());
        failedItems.increment(r.failed());
        if (r.sealedNow()) {
            sealed.increment();
        }
        return r;
    }
}
