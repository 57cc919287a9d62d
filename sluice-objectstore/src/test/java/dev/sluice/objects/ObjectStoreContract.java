package dev.sluice.objects;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every {@link ObjectStore} does, whatever is behind it. Each test uses its own keys. */
abstract class ObjectStoreContract {

    /** The store under test. */
    abstract ObjectStore store();

    /** The size of the large-object test. */
    abstract long largeObjectBytes();

    static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void roundTrip() throws IOException {
        byte[] payload = "{\"hello\":\"world\"}".getBytes(UTF_8);
        store().put("round-trip/batch_1/item-0.json", payload);
        assertThat(read(store().get("round-trip/batch_1/item-0.json"))).isEqualTo(payload);
    }

    @Test
    void emptyObject() throws IOException {
        store().put("empty/x", new byte[0]);
        assertThat(read(store().get("empty/x"))).isEmpty();
    }

    @Test
    void putReplacesAnExistingObject() throws IOException {
        store().put("replace/x", "first, longer version".getBytes(UTF_8));
        store().put("replace/x", "second".getBytes(UTF_8));
        assertThat(read(store().get("replace/x"))).asString(UTF_8).isEqualTo("second");
    }

    @Test
    void deleteIsIdempotent() throws IOException {
        store().put("delete/x", new byte[] {1, 2, 3});
        store().delete("delete/x");
        store().delete("delete/x");
        store().delete("delete/never-stored");
        assertThatThrownBy(() -> store().get("delete/x")).isInstanceOf(FileNotFoundException.class);
    }

    @Test
    void deleteAllRemovesEverythingUnderThePrefixAndNothingBeside() throws IOException {
        store().put("delete-all/batch_1/0", new byte[] {1});
        store().put("delete-all/batch_1/1", new byte[] {2});
        store().put("delete-all/batch_1/deep/er/2", new byte[] {3});
        store().put("delete-all/batch_10/0", new byte[] {4}); // shares the prefix's characters, not its folder
        store().put("delete-all/batch_1.json", new byte[] {5});

        assertThat(store().deleteAll("delete-all/batch_1")).isEqualTo(3);

        for (String gone : new String[] {"delete-all/batch_1/0", "delete-all/batch_1/1", "delete-all/batch_1/deep/er/2"}) {
            assertThatThrownBy(() -> store().get(gone)).as(gone).isInstanceOf(FileNotFoundException.class);
        }
        assertThat(read(store().get("delete-all/batch_10/0"))).containsExactly(4);
        assertThat(read(store().get("delete-all/batch_1.json"))).containsExactly(5);
        assertThat(store().deleteAll("delete-all/batch_1")).isZero();
        assertThat(store().deleteAll("delete-all/never-used")).isZero();
        // The prefix can be reused afterwards.
        store().put("delete-all/batch_1/0", new byte[] {6});
        assertThat(read(store().get("delete-all/batch_1/0"))).containsExactly(6);
        assertThatThrownBy(() -> store().deleteAll("../delete-all")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void missingKeyIsFileNotFoundNamingTheKey() {
        assertThatThrownBy(() -> store().get("missing/no-such-object"))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining("'missing/no-such-object'");
    }

    @Test
    void aShortStreamFailsNamingTheKeyAndStoresNothing() {
        assertThatThrownBy(() -> store().put("short/x", new ByteArrayInputStream(new byte[10]), 100))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'short/x'");
        assertThatThrownBy(() -> store().get("short/x")).isInstanceOf(FileNotFoundException.class);
    }

    @Test
    void aShortStreamLeavesThePreviousObjectWhole() throws IOException {
        store().put("short-replace/x", "previous".getBytes(UTF_8));
        assertThatThrownBy(() -> store().put("short-replace/x", new ByteArrayInputStream(new byte[10]), 100))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'short-replace/x'");
        assertThat(read(store().get("short-replace/x"))).asString(UTF_8).isEqualTo("previous");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "/etc/passwd", "a/../../b", "a//b", "", ".", "..", "a/./b", "a/", "a\\b",
            "a b", "x/~tmp", "%2e%2e/x"})
    void keysThatCouldEscapeOrAreMalformedAreRejected(String key) {
        assertThatThrownBy(() -> store().put(key, new byte[] {1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().get(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().delete(key)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void largeObjectStreamsThroughWhole() throws IOException {
        long size = largeObjectBytes();
        store().put("large/x.bin", new PatternStream(size, 7), size);
        assertThat(PatternStream.fingerprint(store().get("large/x.bin")))
                .isEqualTo(PatternStream.fingerprint(new PatternStream(size, 7)));
    }
}
