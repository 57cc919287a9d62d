package dev.sluice.ingest.run;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore;
import dev.sluice.ingest.IngestItem;
import dev.sluice.ingest.ItemError;
import dev.sluice.ingest.ItemForm;
import dev.sluice.ingest.ItemParser;
import dev.sluice.ingest.ItemRecord;
import dev.sluice.ingest.Line;
import dev.sluice.ingest.NdjsonReader;
import dev.sluice.ingest.ParsedLine;
import dev.sluice.objects.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/**
 * One stream of NDJSON items into an open batch: reads lines as they arrive, turns each into what its surface's
 * {@link ItemForm} stores, offloads large payloads (and checks objects the client uploaded) through
 * {@link Offloads}, and stores items through {@link GroupCommits}.
 *
 * <p>Memory is bounded by one line, {@code concurrency} offloads in flight and {@code COMMITS_IN_FLIGHT + 1} groups.
 * Whatever ends the stream — its end, a refused line, a failed offload or commit — it first waits for every offload
 * and every commit, so what came before is committed and nothing is still running when it returns or throws.
 *
 * <p>Not thread-safe: one per stream, run on the stream's thread.
 */
final class ItemStream {
    private final ObjectStore objects;
    private final Batch batch;
    private final ItemForm form;
    private final IngestConfig config;
    private final Offloads offloads;
    private final GroupCommits commits;

    ItemStream(BatchStore store, ObjectStore objects, Batch batch, ItemForm form, IngestConfig config,
            Executor executor) {
        this.objects = objects;
        this.batch = batch;
        this.form = form;
        this.config = config;
        this.offloads = new Offloads(objects, executor, config.concurrency());
        this.commits = new GroupCommits(store, objects, batch, executor);
    }

    /**
     * Reads {@code body} to its end, or to the first line that cannot be taken: that line's error is thrown after
     * everything before it is committed.
     */
    GroupCommits.Totals run(InputStream body) throws IOException, InterruptedException {
        NdjsonReader reader = new NdjsonReader(body, config.maxItemBytes());
        try {
            Line line;
            while ((line = reader.next()) != null) {
                ParsedLine parsed = ItemParser.parse(line, batch.expectedCount());
                switch (parsed) {
                    case IngestItem item -> take(item);
                    case ItemError error when error.code() == ItemError.Code.PAYLOAD_TOO_LARGE ->
                            commits.addFailed(ItemRecord.failed(error.index(), error.code().name(), error.message()));
                    case ItemError error -> throw IngestException.of(error);
                }
                offloads.collect(r -> commits.add(r, 0));
                if (commits.full()) {
                    commits.flush();
                }
            }
        } finally {
            offloads.awaitAll();
            offloads.collect(r -> commits.add(r, 0));
            commits.flush();
            commits.awaitAll();
        }
        offloads.throwIfFailed();
        return commits.totals();
    }

    private void take(IngestItem item) throws InterruptedException {
        switch (form.of(item)) {
            case ItemForm.Json json -> takeJson(item, json.text().getBytes(StandardCharsets.UTF_8), json.text());
            case ItemForm.JsonBytes json -> takeJson(item, json.utf8(), null);
            case ItemForm.ObjectRef ref -> offloads.submit(item, () -> {
                // The client uploaded it already; the row may only point at an object that is there.
                objects.get(ref.key()).close();
                return ItemRecord.offloaded(item.index(), ref.key(), ref.bytes());
            });
        }
    }

    /**
     * Stores {@code bytes} inline (as text: {@code text}, or the bytes decoded when it is {@code null}) or offloads
     * them as they are, by size. A large payload is never turned into a {@link String}.
     */
    private void takeJson(IngestItem item, byte[] bytes, String text) throws InterruptedException {
        if (bytes.length <= config.offloadThresholdBytes()) {
            String payload = text != null ? text : new String(bytes, StandardCharsets.UTF_8);
            commits.add(ItemRecord.inline(item.index(), payload, bytes.length), bytes.length);
            return;
        }
        String key = PayloadKeys.of(batch.id(), item.index());
        offloads.submit(item, () -> {
            objects.put(key, bytes);
            return ItemRecord.offloaded(item.index(), key, bytes.length);
        });
    }
}
