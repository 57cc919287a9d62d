package dev.sluice.ingest.run;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore;
import dev.sluice.ingest.ItemRecord;
import dev.sluice.objects.ObjectStore;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's group commits: items gather into a group of at most {@link #GROUP_ITEMS} items or
 * {@link #GROUP_BYTES} inline bytes, and each group is written in the background — up to {@link #COMMITS_IN_FLIGHT}
 * at once while the next one fills — good and failed items in separate writes, so each count is exact.
 *
 * <p>What must stay true:
 * <ul>
 *   <li>A write that finds the batch sealed lost a race with another stream that stored the last index and sealed:
 *       its items, and every later one, are duplicates, and the stream goes on reading as if nothing happened.</li>
 *   <li>A write that finds the batch expired fails the stream with {@code BATCH_EXPIRED}, after deleting the
 *       payloads this stream offloaded for the refused items: no row will point at them, and the expiry's sweep of
 *       the batch's prefix may have passed before they were put.</li>
 *   <li>When {@link #awaitAll} returns or throws, no commit of this stream is still running.</li>
 * </ul>
 *
 * <p>Measured by {@code sluice bench ingest} (PostgreSQL, 100,000 items of 300 bytes): a synchronous commit left the
 * reader idle for most of a request; with one commit in flight and groups of 1,000 the stream ran at about 115,000
 * items/s, with groups of 5,000 at about 165,000. A commit's fsync and round trips are idle time for the
 * database's core, which a second commit in flight fills.
 *
 * <p>Not thread-safe: called from the stream's thread; the writes run on the executor.
 */
final class GroupCommits {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommits.class);
    static final int GROUP_ITEMS = 5000;
    static final long GROUP_BYTES = 4L * 1024 * 1024;
    static final int COMMITS_IN_FLIGHT = 2;

    /** What the stream's commits stored. */
    record Totals(long accepted, long deduplicated, long failed) {
    }

    private final BatchStore store;
    private final ObjectStore objects;
    private final Batch batch;
    private final Executor executor;
    private final List<ItemRecord> group = new ArrayList<>();
    private final List<ItemRecord> failedGroup = new ArrayList<>();
    private final Deque<Future<Totals>> inFlight = new ArrayDeque<>();
    private long groupBytes;
    private long accepted;
    private long deduplicated;
    private long failed;
    /** Set once a write found the batch sealed by another stream; read by later writes on other threads. */
    private volatile boolean sealedUnderUs;

    GroupCommits(BatchStore store, ObjectStore objects, Batch batch, Executor executor) {
        this.store = store;
        this.objects = objects;
        this.batch = batch;
        this.executor = executor;
    }

    /** Adds an item to the group; {@code inlineBytes} is what its row holds (0 for an offloaded payload). */
    void add(ItemRecord item, long inlineBytes) {
        group.add(item);
        groupBytes += inlineBytes;
    }

    /** Adds an item stored as failed at its index. */
    void addFailed(ItemRecord item) {
        failedGroup.add(item);
    }

    /** Whether the group is full and should be flushed. */
    boolean full() {
        return group.size() + failedGroup.size() >= GROUP_ITEMS || groupBytes >= GROUP_BYTES;
    }

    /** Hands the group to a background commit, once fewer than {@link #COMMITS_IN_FLIGHT} are in flight. */
    void flush() throws InterruptedException {
        List<ItemRecord> good = List.copyOf(group);
        List<ItemRecord> bad = List.copyOf(failedGroup);
        group.clear();
        failedGroup.clear();
        groupBytes = 0;
        if (good.isEmpty() && bad.isEmpty()) {
            return;
        }
        await(COMMITS_IN_FLIGHT - 1);
        FutureTask<Totals> commit = new FutureTask<>(() -> {
            Totals g = write(good);
            Totals f = write(bad);
            return new Totals(g.accepted(), g.deduplicated() + f.deduplicated(), f.accepted());
        });
        executor.execute(commit);
        inFlight.addLast(commit);
    }

    /** Waits for every commit; then {@link #totals} is final. */
    void awaitAll() throws InterruptedException {
        await(0);
    }

    Totals totals() {
        return new Totals(accepted, deduplicated, failed);
    }

    /**
     * Waits for the oldest commits until at most {@code left} are in flight, and counts them. When one threw, it
     * first waits for all the others (so nothing is still being written when the stream answers), then rethrows.
     */
    private void await(int left) throws InterruptedException {
        RuntimeException thrown = null;
        while (inFlight.size() > (thrown == null ? left : 0)) {
            Future<Totals> commit = inFlight.removeFirst();
            try {
                Totals t = commit.get();
                accepted += t.accepted();
                deduplicated += t.deduplicated();
                failed += t.failed();
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

    /** Stores {@code items} in one transaction: how many were new (accepted) and how many were there already. */
    private Totals write(List<ItemRecord> items) {
        if (items.isEmpty() || sealedUnderUs) {
            return new Totals(0, items.size(), 0);
        }
        return switch (store.write(batch.id(), items)) {
            case BatchStore.Written w -> new Totals(w.accepted(), w.deduplicated(), 0);
            case BatchStore.Closed closed when closed.status() == Batch.Status.SEALED -> {
                // Another stream completed the batch and sealed it: every index is stored, the rest are duplicates.
                sealedUnderUs = true;
                yield new Totals(0, items.size(), 0);
            }
            case BatchStore.Closed expired -> {
                deleteOffloaded(items);
                throw new IngestException(IngestException.Code.BATCH_EXPIRED,
                        "batch " + batch.id() + " expired while items arrived", null, null);
            }
        };
    }

    /** Best effort: the payloads of {@code items} that this stream offloaded under the batch's prefix. */
    private void deleteOffloaded(List<ItemRecord> items) {
        String prefix = PayloadKeys.prefix(batch.id()) + "/";
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
}
