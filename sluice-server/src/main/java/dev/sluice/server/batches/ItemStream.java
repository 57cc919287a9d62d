package dev.sluice.server.batches;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore;
import dev.sluice.ingest.IngestItem;
import dev.sluice.ingest.ItemError;
import dev.sluice.ingest.ItemParser;
import dev.sluice.ingest.ItemRecord;
import dev.sluice.ingest.Line;
import dev.sluice.ingest.NdjsonReader;
import dev.sluice.ingest.ParsedLine;
import dev.sluice.objects.ObjectStore;
import dev.sluice.server.http.ApiError;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one request's NDJSON items into a batch: reads lines as they arrive, stores each in the surface's
 * {@link ItemForm}, offloads large payloads to the object store (and checks objects the client uploaded itself) with
 * bounded concurrency, and stores items in group commits (many per transaction).
 *
 * <p>What must stay true: every item is stored by the store's one-statement insert, so an index is stored at most
 * once however many streams race (or however this stream's own commits interleave); a payload reaches the object
 * store before the row that references it; what was committed before a bad line stays committed; memory is bounded
 * by one line, {@code concurrency} offloads in flight and {@code COMMITS_IN_FLIGHT + 1} groups of at most
 * {@link #GROUP_ITEMS} items or {@link #GROUP_BYTES} bytes each: up to {@link #COMMITS_IN_FLIGHT} being committed in
 * the background while the next fills. The stream waits for every commit before it answers or throws.
 *
 * <p>Measured by {@code sluice bench ingest} (PostgreSQL, 100,000 items of 300 bytes): a synchronous commit left the
 * reader idle for most of a request; with one commit in flight and groups of 1,000 the stream ran at about 115,000
 * items/s, with groups of 5,000 at about 165,000. A commit's fsync and round trips are idle time for the
 * database's core, which a second commit in flight fills.
 *
 * <p>Not thread-safe: one per request, run on the request's thread.
 */
final class ItemStream {
    private static final Logger LOG = LoggerFactory.getLogger(ItemStream.class);
    static final int GROUP_ITEMS = 5000;
    static final long GROUP_BYTES = 4L * 1024 * 1024;
    static final int COMMITS_IN_FLIGHT = 2;

    /** What the request achieved. */
    record Outcome(long accepted, long deduplicated, long failed, long lines) {
    }

    private final BatchStore store;
    private final ObjectStore objects;
    private final Batch batch;
    private final ItemForm form;
    private final int offloadThreshold;
    private final int maxItemBytes;
    private final Semaphore offloads;
    private final int concurrency;
    private final ExecutorService executor;
    private final ConcurrentLinkedQueue<ItemRecord> offloaded = new ConcurrentLinkedQueue<>();
    private final AtomicReference<ApiError> offloadError = new AtomicReference<>();
    private final List<ItemRecord> group = new ArrayList<>();
    private final List<ItemRecord> failedGroup = new ArrayList<>();
    private long groupBytes;
    private long accepted;
    private long deduplicated;
    private long failed;
    private long lines;
    private volatile boolean closedUnderUs;
    private final Deque<Future<long[]>> commitsInFlight = new ArrayDeque<>();

    ItemStream(BatchStore store, ObjectStore objects, Batch batch, ItemForm form, int offloadThreshold,
            int maxItemBytes, int concurrency, ExecutorService executor) {
        this.store = store;
        this.objects = objects;
        this.batch = batch;
        this.form = form;
        this.offloadThreshold = offloadThreshold;
        this.maxItemBytes = maxItemBytes;
        this.concurrency = concurrency;
        this.offloads = new Semaphore(concurrency);
        this.executor = executor;
    }

    /**
     * Reads {@code body} to its end, or to the first line that cannot be taken: that line's error is thrown after
     * everything before it is committed.
     */
    Outcome run(InputStream body) throws IOException, InterruptedException {
        NdjsonReader reader = new NdjsonReader(body, maxItemBytes);
        try {
            Line line;
            while ((line = reader.next()) != null) {
                lines++;
                ParsedLine parsed = ItemParser.parse(line, batch.expectedCount());
                switch (parsed) {
                    case IngestItem item -> take(item);
                    case ItemError error when error.code() == ItemError.Code.PAYLOAD_TOO_LARGE ->
                            failedGroup.add(ItemRecord.failed(error.index(), error.code().name(), error.message()));
                    case ItemError error -> throw toApiError(error);
                }
                collectOffloaded();
                if (group.size() + failedGroup.size() >= GROUP_ITEMS || groupBytes >= GROUP_BYTES) {
                    flush();
                }
            }
        } finally {
            awaitOffloads();
            collectOffloaded();
            flush();
            awaitCommits(0);
        }
        ApiError e = offloadError.get();
        if (e != null) {
            throw e;
        }
        return new Outcome(accepted, deduplicated, failed, lines);
    }

    private void take(IngestItem item) throws InterruptedException {
        switch (form.of(item)) {
            case ItemForm.Json json -> takeJson(item, json.text().getBytes(StandardCharsets.UTF_8), json.text());
            case ItemForm.JsonBytes json -> takeJson(item, json.utf8(), null);
            case ItemForm.ObjectRef ref -> inBackground(item, () -> {
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
        if (bytes.length <= offloadThreshold) {
            String payload = text != null ? text : new String(bytes, StandardCharsets.UTF_8);
            add(ItemRecord.inline(item.index(), payload, bytes.length), bytes.length);
            return;
        }
        String key = objectKey(batch.id(), item.index());
        inBackground(item, () -> {
            objects.put(key, bytes);
            return ItemRecord.offloaded(item.index(), key, bytes.length);
        });
    }

    /** Object-store work for one item, at most {@code concurrency} at a time; its record joins the next group. */
    private interface ObjectWork {
        ItemRecord run() throws IOException;
    }

    private void inBackground(IngestItem item, ObjectWork work) throws InterruptedException {
        ApiError e = offloadError.get();
        if (e != null) {
            throw e;
        }
        offloads.acquire();
        executor.execute(() -> {
            try {
                offloaded.add(work.run());
            } catch (FileNotFoundException ex) {
                offloadError.compareAndSet(null, new ApiError(422, "OBJECT_NOT_FOUND", "line " + item.line()
                        + ": item " + item.index() + " references an object that was not uploaded: "
                        + ex.getMessage(), item.line(), item.index()));
            } catch (IOException | RuntimeException ex) {
                offloadError.compareAndSet(null, new ApiError(503, "OBJECT_STORE_UNAVAILABLE",
                        "could not store the payload of index " + item.index() + " in " + objects.describe() + ": "
                                + ex.getMessage(), item.line(), item.index()));
            } finally {
                offloads.release();
            }
        });
    }

    /**
     * The key of an offloaded payload: one per (batch, index), so a retried stream overwrites, never orphans. All of
     * a batch's lie under {@link #objectPrefix}, which its expiry deletes whole.
     */
    static String objectKey(String batchId, long index) {
        return objectPrefix(batchId) + "/" + index;
    }

    /** Where every payload this server offloads for {@code batchId} lies. */
    static String objectPrefix(String batchId) {
        return "batches/" + batchId;
    }

    private void add(ItemRecord r, long bytes) {
        group.add(r);
        groupBytes += bytes;
    }

    private void collectOffloaded() {
        ItemRecord r;
        while ((r = offloaded.poll()) != null) {
            add(r, 0);
        }
    }

    private void awaitOffloads() throws InterruptedException {
        offloads.acquire(concurrency);
        offloads.release(concurrency);
    }

    /**
     * Hands the items gathered so far to a background commit, once fewer than {@link #COMMITS_IN_FLIGHT} are in
     * flight: good and failed items in separate writes, so each count is exact.
     */
    private void flush() throws InterruptedException {
        List<ItemRecord> good = List.copyOf(group);
        List<ItemRecord> bad = List.copyOf(failedGroup);
        group.clear();
        failedGroup.clear();
        groupBytes = 0;
        if (good.isEmpty() && bad.isEmpty()) {
            return;
        }
        awaitCommits(COMMITS_IN_FLIGHT - 1);
        FutureTask<long[]> commit = new FutureTask<>(() -> {
            long[] dedup = new long[1];
            long newGood = write(good, dedup);
            long newFailed = write(bad, dedup);
            return new long[] {newGood, newFailed, dedup[0]};
        });
        executor.execute(commit);
        commitsInFlight.addLast(commit);
    }

    /**
     * Waits for the oldest commits until at most {@code left} are in flight, and counts them. When one threw, it
     * first waits for all the others (so nothing is still being written when the stream answers), then rethrows.
     */
    private void awaitCommits(int left) throws InterruptedException {
        RuntimeException thrown = null;
        while (commitsInFlight.size() > (thrown == null ? left : 0)) {
            Future<long[]> commit = commitsInFlight.removeFirst();
            try {
                long[] r = commit.get();
                accepted += r[0];
                failed += r[1];
                deduplicated += r[2];
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException re ? re
                        : new IllegalStateException(e.getCause());
                if (thrown == null) {
                    thrown = cause;
                }
            }
        }
        if (thrown != null) {
            throw thrown;
        }
    }

    /** Stores {@code items} in one transaction; returns how many were new and adds the rest to {@code dedup[0]}. */
    private long write(List<ItemRecord> items, long[] dedup) {
        if (items.isEmpty()) {
            return 0;
        }
        if (!closedUnderUs) {
            try {
                BatchStore.WriteResult w = store.write(batch.id(), items);
                dedup[0] += w.deduplicated();
                return w.accepted();
            } catch (IllegalStateException notOpen) {
                Batch now = store.find(batch.id()).orElse(batch);
                if (now.status() != Batch.Status.SEALED) {
                    // The expiry may have swept the batch's objects before these were put: no row will hold them.
                    deleteOffloaded(items);
                    throw new ApiError(410, "BATCH_EXPIRED", "batch " + batch.id() + " expired while items arrived");
                }
                // Another stream completed the batch and sealed it: every index is stored, the rest are duplicates.
                closedUnderUs = true;
            }
        }
        dedup[0] += items.size();
        return 0;
    }

    /** Best effort: the payloads of {@code items} that this server offloaded under the batch's prefix. */
    private void deleteOffloaded(List<ItemRecord> items) {
        String prefix = objectPrefix(batch.id()) + "/";
        for (ItemRecord r : items) {
            String key = r.objectKey();
            if (key != null && key.startsWith(prefix)) {
                try {
                    objects.delete(key);
                } catch (IOException | RuntimeException e) {
                    // the batch is expired already, so no later sweep looks under its prefix: leave a trace
                    LOG.warn("could not delete payload {} of expired batch {} from {}: {}", key, batch.id(),
                            objects.describe(), e.toString());
                }
            }
        }
    }

    private static ApiError toApiError(ItemError e) {
        int status = e.code() == ItemError.Code.INDEX_OUT_OF_RANGE ? 422 : 400;
        return new ApiError(status, e.code().name(), e.message(), e.line(), e.index());
    }
}
