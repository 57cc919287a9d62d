package dev.sluice.ingest.run;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore;
import dev.sluice.ingest.ItemForm;
import dev.sluice.objects.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Push ingest's engine: takes one stream of NDJSON items ({@code {"index": i, "payload": …}} lines) into a batch,
 * whatever surface it arrived through, and seals the batch when it is complete. Each surface supplies its
 * {@link ItemForm}; the caller answers from the {@link IngestResult}, or from the {@link IngestException} (or the
 * form's own refusal) thrown.
 *
 * <p>What must stay true:
 * <ul>
 *   <li><b>Exactly once per index.</b> Every item goes in through the store's one-statement insert, so an index is
 *       stored at most once however many streams race, and however this stream's own commits interleave; a stream
 *       that loses the race to a seal counts the rest as duplicates, never as an error.</li>
 *   <li><b>Offload before the row.</b> A payload reaches the object store before the row that references it; an
 *       object the client uploaded is checked to exist before its row is written.</li>
 *   <li><b>A refusal keeps what came before.</b> A bad line, a failed offload or an expired batch ends the stream
 *       only after everything before it is committed, and with nothing of the stream still running; a retry of the
 *       same stream is idempotent.</li>
 *   <li><b>Bounded memory.</b> One line, {@link IngestConfig#concurrency()} offloads and a few groups of items are
 *       held at a time, whatever the stream's length; an oversized line is read without being held and stored as a
 *       failed item at its index.</li>
 *   <li><b>Sealing once.</b> The batch seals through the store's conditional update, which succeeds for one caller
 *       only, after this stream's commits.</li>
 * </ul>
 *
 * <p>Thread-safe: one engine serves every stream at once; each {@link #run} works on its caller's thread, with
 * offloads and commits on the executor.
 */
public final class Ingest {
    private final BatchStore store;
    private final ObjectStore objects;
    private final IngestConfig config;
    private final Executor executor;

    /** @param executor runs offloads and group commits; a virtual thread per task suits it */
    public Ingest(BatchStore store, ObjectStore objects, IngestConfig config, Executor executor) {
        this.store = Objects.requireNonNull(store, "store");
        this.objects = Objects.requireNonNull(objects, "objects");
        this.config = Objects.requireNonNull(config, "config");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    public IngestConfig config() {
        return config;
    }

    /**
     * Takes {@code items} into {@code batch}, each line stored in {@code form}, and seals the batch when it is
     * complete. A batch sealed already takes nothing: its lines are read to the end and count as duplicates, so the
     * caller answers only once the client has sent everything.
     *
     * @param batch the batch as the caller read it (its status decides: an open batch takes items)
     * @param items the stream; read to its end, or up to the refused line
     * @throws IngestException a refused line (with its line and index, after everything before it is committed), a
     *         failed offload, or a batch that expired before or while the stream arrived
     * @throws IOException if reading the stream failed; what was read before is committed
     */
    public IngestResult run(Batch batch, InputStream items, ItemForm form) throws IOException, InterruptedException {
        if (batch.status() == Batch.Status.EXPIRED) {
            throw new IngestException(IngestException.Code.BATCH_EXPIRED,
                    "batch " + batch.id() + " expired before it was complete", null, null);
        }
        GroupCommits.Totals taken = batch.sealed() ? new GroupCommits.Totals(0, countLines(items), 0)
                : new ItemStream(store, objects, batch, form, config, executor).run(items);
        boolean sealedNow = !batch.sealed() && store.trySeal(batch.id());
        Batch after = store.find(batch.id()).orElse(batch);
        return new IngestResult(after, taken.accepted(), taken.deduplicated(), taken.failed(), sealedNow,
                store.counts(batch.id()).total());
    }

    /** The non-blank lines of {@code in}, read to its end. */
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
