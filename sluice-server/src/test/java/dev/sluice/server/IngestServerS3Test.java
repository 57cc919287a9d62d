package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.objects.ObjectStore;
import dev.sluice.objects.ObjectStores;
import dev.sluice.objects.testing.S3ProxyServer;
import dev.sluice.store.Database;
import dev.sluice.store.JdbcBatchStore;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.time.Clock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.ResponseTransformer;

/** Offload through the ingest API to an S3-compatible server and back, with real S3 signatures. */
class IngestServerS3Test {
    private static final String KEY = "sk_test_s3_offload";

    @TempDir
    Path dir;

    @Test
    void largePayloadsRoundTripThroughS3() throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newHttpClient();
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("blobs"));
             ObjectStore objects = ObjectStores.open(s3.url("ingest"));
             Database db = Database.open(TestDatabases.sqlite(dir));
             IngestServer server = IngestServer.start(ServerConfig.builder().apiKeys(List.of(KEY)).host("127.0.0.1")
                     .port(0).ingestConcurrency(4).maxItemBytes(1 << 20).offloadThresholdBytes(1024).maxBatchItems(1000)
                     .batchTtl(Duration.ofHours(1)).build(), new JdbcBatchStore(db, Clock.system()),
                     objects, Clock.system())) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            String id = json.readTree(http.send(HttpRequest.newBuilder(base.resolve("/v1/batches"))
                    .header("Authorization", "Bearer " + KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"expectedCount\":3}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("id").asText();
            StringBuilder lines = new StringBuilder();
            String[] payloads = new String[3];
            for (int i = 0; i < 3; i++) {
                payloads[i] = i == 1 ? "\"small\"" : "{\"i\":" + i + ",\"blob\":\"" + "s3".repeat(4000) + "\"}";
                lines.append("{\"index\":").append(i).append(",\"payload\":").append(payloads[i]).append("}\n");
            }
            JsonNode r = json.readTree(http.send(HttpRequest.newBuilder(base.resolve("/v1/batches/" + id + "/items"))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString(lines.toString())).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(r.get("sealed").asBoolean()).isTrue();

            byte[] inBucket = s3.admin().getObject(b -> b.bucket(S3ProxyServer.BUCKET).key("ingest/batches/" + id + "/0"),
                    ResponseTransformer.toBytes()).asByteArray();
            assertThat(new String(inBucket, StandardCharsets.UTF_8)).isEqualTo(payloads[0]);
            JsonNode items = json.readTree(http.send(HttpRequest.newBuilder(
                    base.resolve("/v1/batches/" + id + "/items?resolve=true")).header("Authorization", "Bearer " + KEY)
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body()).get("items");
            for (int i = 0; i < 3; i++) {
                assertThat(items.get(i).get("payload").toString()).isEqualTo(payloads[i]);
            }
        }
    }
}
