package dev.sluice.ingest.run;

import dev.sluice.ingest.Batch;
import dev.sluice.testing.FakeClock;
import dev.sluice.testing.MemoryBatchStore;
import dev.sluice.testing.MemoryObjectStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** An engine over in-memory stores, and NDJSON streams to feed it. */
final class Streams implements AutoCloseable {
    final FakeClock clock = new FakeClock(1_760_000_000L);
    final MemoryBatchStore store = new MemoryBatchStore(clock);
    final MemoryObjectStore objects = new MemoryObjectStore();
    final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    final Ingest ingest;

    /** @param offloadThreshold payloads longer than this many bytes are offloaded */
    Streams(int offloadThreshold) {
        ingest = new Ingest(store, objects, new IngestConfig(4, 64 * 1024, offloadThreshold), executor);
    }

    Streams() {
        this(1024);
    }

    Batch create(long expectedCount) {
        return store.create("key_1", expectedCount, null, null).batch();
    }

    /** The batch as the store holds it now. */
    Batch now(Batch b) {
        return store.find(b.id()).orElseThrow();
    }

    /** Lines {@code {"index":i,"payload":"<tag>i"}} for {@code i} in {@code [from, to)}. */
    static String lines(String tag, long from, long to) {
        StringBuilder sb = new StringBuilder();
        for (long i = from; i < to; i++) {
            sb.append("{\"index\":").append(i).append(",\"payload\":\"").append(tag).append(i).append("\"}\n");
        }
        return sb.toString();
    }

    /** Item {@code index} with a payload of {@code chars} x's (plus its quotes). */
    static String bigLine(long index, int chars) {
        return "{\"index\":" + index + ",\"payload\":\"" + "x".repeat(chars) + "\"}\n";
    }

    static InputStream body(String ndjson) {
        return new ByteArrayInputStream(ndjson.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        executor.close();
    }
}
