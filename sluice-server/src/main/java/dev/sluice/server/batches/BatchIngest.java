package dev.sluice.server.batches;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore;
import dev.sluice.objects.ObjectStore;
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
import java.util.concurrent.ExecutorService;

/**
 * The one items pipeline behind every API surface: checks the request, streams its NDJSON into the batch
 * ({@link ItemStream}), seals the batch when complete and counts what happened. A surface supplies only its
 * {@link ItemForm} and writes its own answer from the {@link Result}.
 */
public final class BatchIngest {
    private final BatchStore store;
    private final ObjectStore objects;
    private final ServerConfig config;
    private final ExecutorService offloadExecutor;
    private final Counter accepted;
    private final Counter deduplicated;
    private final Counter failedItems;
    private final Counter sealed;

    /** What one items request achieved, and the batch's state after it. */
    public record Result(Batch batch, long accepted, long deduplicated, long failed, boolean sealed,
            long enqueuedCount) {
    }

    public BatchIngest(BatchStore store, ObjectStore objects, ServerConfig config, ExecutorService offloadExecutor,
            MeterRegistry metrics) {
        this.store = store;
        this.objects = objects;
        this.config = config;
        this.offloadExecutor = offloadExecutor;
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
     * Takes the request's NDJSON body into {@code batch}, each line stored in {@code form}; seals the batch when it
     * is complete. A refused line throws its {@link ApiError} after everything before it is committed.
     */
    public Result ingest(ServerRequest req, Batch batch, ItemForm form) throws IOException, InterruptedException {
        HttpMediaType type = req.headers().contentType().orElse(null);
        String mime = type == null ? "" : type.mediaType().text().toLowerCase(Locale.ROOT);
        if (!mime.equals("application/x-ndjson") && !mime.equals("application/jsonl")) {
            throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE",
                    "items must be sent as Content-Type: application/x-ndjson, was '" + (type == null ? "" : type.text()) + "'");
        }
        if (batch.status() == Batch.Status.EXPIRED) {
            throw new ApiError(410, "BATCH_EXPIRED", "batch " + batch.id() + " expired before it was complete");
        }
        ItemStream.Outcome outcome;
        try (InputStream in = req.content().inputStream()) {
            if (batch.sealed()) {
                // Nothing is taken again; the lines are read so the client is answered only after it finished.
                outcome = new ItemStream.Outcome(0, countLines(in), 0, 0);
            } else {
                outcome = new ItemStream(store, objects, batch, form, config.offloadThresholdBytes(),
                        config.maxItemBytes(), config.ingestConcurrency(), offloadExecutor).run(in);
            }
        }
        accepted.increment(outcome.accepted());
        deduplicated.increment(outcome.deduplicated());
        failedItems.increment(outcome.failed());
        boolean sealedNow = !batch.sealed() && store.trySeal(batch.id());
        if (sealedNow) {
            sealed.increment();
        }
        Batch after = store.find(batch.id()).orElse(batch);
        return new Result(after, outcome.accepted(), outcome.deduplicated(), outcome.failed(), after.sealed(),
                store.counts(batch.id()).total());
    }

    private static long countLines(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long lines = 0;
        boolean open = false;
        int n;
        while ((n = in.read(buf)) >= 0) {
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    lines += open ? 1 : 0;
                    open = false;
                } else if (buf[i] != '\r' && buf[i] != ' ') {
                    open = true;
                }
            }
        }
        return lines + (open ? 1 : 0);
    }
}
