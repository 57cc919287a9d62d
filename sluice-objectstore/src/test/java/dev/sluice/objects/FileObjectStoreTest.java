package dev.sluice.objects;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileObjectStoreTest extends ObjectStoreContract {
    @TempDir
    Path dir;
    FileObjectStore store;

    @BeforeEach
    void open() throws IOException {
        store = new FileObjectStore(dir.resolve("objects"));
    }

    @Override
    ObjectStore store() {
        return store;
    }

    @Override
    long largeObjectBytes() {
        return 64L << 20;
    }

    private List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void keysMapToFilesUnderTheRoot() throws IOException {
        store.put("batch_1/item-0.json", "x".getBytes(UTF_8));
        assertThat(dir.resolve("objects/batch_1/item-0.json")).hasContent("x");
        assertThat(store.describe()).isEqualTo("file:" + dir.resolve("objects").toRealPath());
    }

    @Test
    void deleteAllTakesThePrefixFolderAndAnInterruptedPutsTempFileButNotTheLinkTarget() throws IOException {
        store.put("batches/b1/0", new byte[] {1});
        store.put("batches/b1/deep/1", new byte[] {2});
        Files.write(dir.resolve("objects/batches/b1/.put~123.tmp"), new byte[] {3}); // a crashed put's leftover
        Path outside = Files.writeString(dir.resolve("outside.txt"), "keep");
        Files.createSymbolicLink(dir.resolve("objects/batches/b1/link"), outside);

        assertThat(store.deleteAll("batches/b1")).isEqualTo(2);

        assertThat(dir.resolve("objects/batches/b1")).doesNotExist();
        assertThat(dir.resolve("objects/batches")).isDirectory();
        assertThat(outside).hasContent("keep");
    }

    @Test
    void rejectedKeysWriteNothingAnywhere() throws IOException {
        for (String key : new String[] {"../x", "a/../../x", "/x"}) {
            assertThatThrownBy(() -> store.put(key, new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(filesUnder(dir)).isEmpty();
    }

    @Test
    void noTemporaryFileRemainsAfterAPutOrAFailedPut() throws IOException {
        store.put("tmp/a", new byte[100]);
        assertThatThrownBy(() -> store.put("tmp/b", new ByteArrayInputStream(new byte[10]), 100))
                .isInstanceOf(IOException.class);
        assertThat(filesUnder(store.root())).containsExactly(store.root().resolve("tmp/a"));
    }

    @Test
    void aKeyWhosePrefixIsAnObjectFailsNamingTheKey() throws IOException {
        store.put("prefix", new byte[] {1});
        assertThatThrownBy(() -> store.put("prefix/child", new byte[] {2}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'prefix/child'");
        assertThat(read(store.get("prefix"))).containsExactly(1);
    }

    @Test
    void aKeyThatIsADirectoryIsNotAnObject() throws IOException {
        store.put("parent/child", new byte[] {1});
        assertThatThrownBy(() -> store.get("parent"))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining("'parent'");
        store.delete("parent");
        assertThat(read(store.get("parent/child"))).containsExactly(1);
    }

    @Test
    void theRootIsCreatedAndMayBeRelative() throws IOException {
        Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("nested/root"));
        FileObjectStore nested = new FileObjectStore(relative);
        nested.put("k", new byte[] {9});
        assertThat(dir.resolve("nested/root/k")).exists();
    }

    @Test
    void aLargePutDoesNotBufferTheObject() throws IOException {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long size = 32L << 20;
        long before = threads.getThreadAllocatedBytes(id);
        store.put("large/unbuffered.bin", new PatternStream(size, 3), size);
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertThat(allocated).as("bytes allocated by a put of %d bytes", size).isLessThan(4L << 20);
    }
}
