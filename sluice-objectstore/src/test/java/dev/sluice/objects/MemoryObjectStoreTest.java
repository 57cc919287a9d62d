package dev.sluice.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testing.MemoryObjectStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The engine tests' in-memory fake keeps the same contract as the real object stores. */
class MemoryObjectStoreTest extends ObjectStoreContract {
    private final MemoryObjectStore store = new MemoryObjectStore();

    @Override
    ObjectStore store() {
        return store;
    }

    @Override
    long largeObjectBytes() {
        return 4L << 20;
    }

    @Test
    void anInjectedFailureStoresNothing() {
        store.failPuts(key -> key.startsWith("failing/"));
        assertThatThrownBy(() -> store.put("failing/x", new byte[] {1})).isInstanceOf(IOException.class)
                .hasMessageContaining("'failing/x'");
        assertThatThrownBy(() -> store.get("failing/x")).isInstanceOf(FileNotFoundException.class);
        assertThat(store.keys()).isEmpty();
    }
}
