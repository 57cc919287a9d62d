package dev.sluice.objects;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many writers of one key and a reader: every read is one whole object, never a mix or a part. */
class FileObjectStoreRaceTest {
    private static final int WRITERS = 8;
    private static final int PUTS_EACH = 4;
    private static final int SIZE = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void concurrentPutsOfOneKeyEndWithOneWholeObjectAndReadersNeverSeeAPart() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        String key = "race/same-key.bin";
        store.put(key, filled((byte) 0));
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        try {
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 1; w <= WRITERS; w++) {
                byte fill = (byte) w;
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < PUTS_EACH; i++) {
                        store.put(key, filled(fill));
                    }
                    return null;
                }));
            }
            Future<Integer> reader = pool.submit(() -> {
                start.await();
                int reads = 0;
                // At least a few reads even if the writers finish first.
                while (writing.get() || reads < 5) {
                    assertUniform(store.get(key));
                    reads++;
                }
                return reads;
            });
            start.countDown();
            for (Future<?> w : writers) {
                w.get();
            }
            writing.set(false);
            assertThat(reader.get()).isPositive();
            byte[] last = assertUniform(store.get(key));
            assertThat(last[0]).isBetween((byte) 1, (byte) WRITERS);
            try (var files = java.nio.file.Files.walk(dir)) {
                assertThat(files.filter(java.nio.file.Files::isRegularFile).toList())
                        .as("one object, no temporary files left").containsExactly(dir.toRealPath().resolve(key));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] filled(byte fill) {
        byte[] b = new byte[SIZE];
        Arrays.fill(b, fill);
        return b;
    }

    private static byte[] assertUniform(InputStream in) throws IOException {
        byte[] b;
        try (in) {
            b = in.readAllBytes();
        }
        assertThat(b).hasSize(SIZE);
        byte first = b[0];
        for (int i = 1; i < b.length; i++) {
            if (b[i] != first) {
                throw new AssertionError("mixed object: byte " + i + " is " + b[i] + ", byte 0 is " + first);
            }
        }
        return b;
    }
}
