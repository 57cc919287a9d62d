package dev.sluice.ingest.run;

import dev.sluice.ingest.IngestItem;
import dev.sluice.ingest.ItemRecord;
import dev.sluice.objects.ObjectStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One stream's object-store work — putting a large payload, or checking that an object the client uploaded is
 * there — at most {@code concurrency} at a time on the executor. A finished item's record waits until the stream
 * collects it into its next group, so its row is written only after its object is in the store. The first failure
 * is kept: the stream's next {@link #submit} throws it, and so does {@link #throwIfFailed} at the end.
 *
 * <p>{@link #submit}, {@link #collect} and {@link #awaitAll} are called from the stream's thread only.
 */
final class Offloads {
    /** The object-store work of one item; returns the record its row will hold. */
    interface Work {
        ItemRecord run() throws IOException;
    }

    private final ObjectStore objects;
    private final Executor executor;
    private final int concurrency;
    private final Semaphore slots;
    private final ConcurrentLinkedQueue<ItemRecord> done = new ConcurrentLinkedQueue<>();
    private final AtomicReference<IngestException> failure = new AtomicReference<>();

    Offloads(ObjectStore objects, Executor executor, int concurrency) {
        this.objects = objects;
        this.executor = executor;
        this.concurrency = concurrency;
        this.slots = new Semaphore(concurrency);
    }

    /** Runs {@code work} for {@code item} once a slot is free; throws an earlier failure instead, if there was one. */
    void submit(IngestItem item, Work work) throws InterruptedException {
        throwIfFailed();
        slots.acquire();
        executor.execute(() -> {
            try {
                done.add(work.run());
            } catch (FileNotFoundException e) {
                failure.compareAndSet(null, new IngestException(IngestException.Code.OBJECT_NOT_FOUND, "line "
                        + item.line() + ": item " + item.index() + " references an object that was not uploaded: "
                        + e.getMessage(), item.line(), item.index()));
            } catch (IOException | RuntimeException e) {
                failure.compareAndSet(null, new IngestException(IngestException.Code.OBJECT_STORE_UNAVAILABLE,
                        "could not store the payload of index " + item.index() + " in " + objects.describe() + ": "
                                + e.getMessage(), item.line(), item.index()));
            } finally {
                slots.release();
            }
        });
    }

    /** Hands every record finished so far to {@code into}. */
    void collect(Consumer<ItemRecord> into) {
        ItemRecord r;
        while ((r = done.poll()) != null) {
            into.accept(r);
        }
    }

    /** Waits until no work is in flight. */
    void awaitAll() throws InterruptedException {
        slots.acquire(concurrency);
        slots.release(concurrency);
    }

    /** Throws the first failure, if any work failed. */
    void throwIfFailed() {
        IngestException e = failure.get();
        if (e != null) {
            throw e;
        }
    }
}
