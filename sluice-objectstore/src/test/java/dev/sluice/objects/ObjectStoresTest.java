package dev.sluice.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoresTest {
    @TempDir
    Path dir;

    @Test
    void fileOpensAFileObjectStoreCreatingItsDirectory() throws Exception {
        try (ObjectStore store = ObjectStores.open("file:" + dir.resolve("objects"))) {
            assertThat(store).isInstanceOf(FileObjectStore.class);
            assertThat(store.describe()).isEqualTo("file:" + dir.toRealPath().resolve("objects"));
            assertThat(dir.resolve("objects")).isDirectory();
        }
    }

    @Test
    void s3OpensAnS3ObjectStoreWithoutContactingIt() {
        try (ObjectStore store = ObjectStores.open("s3://my-bucket/p?endpoint=http://127.0.0.1:1&region=us-west-2"
                + "&access-key=AK&secret-key=hunter2")) {
            assertThat(store).isInstanceOf(S3ObjectStore.class);
            assertThat(store.describe())
                    .isEqualTo("s3://my-bucket/p/ (endpoint http://127.0.0.1:1, region us-west-2, path-style, "
                            + "credentials from the URL)")
                    .doesNotContain("hunter2");
        }
    }

    @Test
    void aBadUrlIsAnIllegalArgumentWithTheSecretMasked() {
        assertThatThrownBy(() -> ObjectStores.open("s3://AK:hunter2@bucket?path-style=maybe"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'s3://AK:****@bucket?path-style=maybe'")
                .hasMessageContaining(ObjectStores.ACCEPTED)
                .hasMessageNotContaining("hunter2");
    }
}
