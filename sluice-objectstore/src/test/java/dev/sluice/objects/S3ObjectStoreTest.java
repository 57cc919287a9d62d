package dev.sluice.objects;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.file.Path;
import dev.sluice.objects.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The contract against a real S3 protocol server: S3Proxy in-process on loopback, over a filesystem blob store,
 * with AWS v4 signatures required, so the credentials the URL carries are really checked.
 */
class S3ObjectStoreTest extends ObjectStoreContract {
    private static final String BUCKET = S3ProxyServer.BUCKET;
    private static final String ACCESS_KEY = S3ProxyServer.ACCESS_KEY;
    private static final String SECRET_KEY = S3ProxyServer.SECRET_KEY;

    @TempDir
    static Path blobs;
    static S3ProxyServer server;
    static String endpoint;
    static S3Client admin;
    static ObjectStore store;

    @BeforeAll
    static void start() throws Exception {
        server = S3ProxyServer.start(blobs);
        endpoint = server.endpoint();
        admin = server.admin();
        store = ObjectStores.open(url("payloads", ACCESS_KEY, SECRET_KEY));
    }

    static String url(String prefix, String accessKey, String secretKey) {
        return server.url(prefix, accessKey, secretKey);
    }

    @AfterAll
    static void stop() throws Exception {
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    ObjectStore store() {
        return store;
    }

    @Override
    long largeObjectBytes() {
        return 20L << 20;
    }

    @Test
    void keysLiveUnderThePrefix() throws IOException {
        store.put("batch_1/item-0.json", "{}".getBytes(UTF_8));
        byte[] raw = admin.getObject(b -> b.bucket(BUCKET).key("payloads/batch_1/item-0.json"),
                ResponseTransformer.toBytes()).asByteArray();
        assertThat(raw).asString(UTF_8).isEqualTo("{}");
    }

    @Test
    void credentialsMayComeAsUserinfo() throws IOException {
        String url = "s3://" + URLEncoder.encode(ACCESS_KEY, UTF_8) + ":" + URLEncoder.encode(SECRET_KEY, UTF_8)
                + "@" + BUCKET + "/userinfo?endpoint=" + endpoint;
        try (ObjectStore s = ObjectStores.open(url)) {
            s.put("k", new byte[] {4, 2});
            assertThat(read(s.get("k"))).containsExactly(4, 2);
        }
    }

    @Test
    void wrongCredentialsFailAsIOExceptionNamingTheKey() {
        try (ObjectStore s = ObjectStores.open(url("payloads", ACCESS_KEY, "not-the-secret"))) {
            assertThatThrownBy(() -> s.put("denied/x", new byte[] {1}))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("'denied/x'");
        }
    }

    @Test
    void anAbsentBucketIsAnIOExceptionNotAMissingObject() {
        String url = "s3://no-such-bucket?endpoint=" + endpoint + "&access-key=" + ACCESS_KEY + "&secret-key="
                + URLEncoder.encode(SECRET_KEY, UTF_8);
        try (ObjectStore s = ObjectStores.open(url)) {
            assertThatThrownBy(() -> s.get("x"))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(java.io.FileNotFoundException.class)
                    .hasMessageContaining("'x'");
        }
    }

    @Test
    void describeShowsWhereButNoSecret() {
        assertThat(store.describe())
                .startsWith("s3://sluice-test/payloads/ (endpoint " + endpoint)
                .contains("region us-east-1", "path-style")
                .doesNotContain(SECRET_KEY, "secret");
    }
}
