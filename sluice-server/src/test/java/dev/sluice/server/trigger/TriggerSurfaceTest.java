package dev.sluice.server.trigger;

import static dev.sluice.server.trigger.TriggerTestServer.JSON;
import static dev.sluice.server.trigger.TriggerTestServer.KEY;
import static dev.sluice.server.trigger.TriggerTestServer.OTHER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.objects.ObjectStore;
import dev.sluice.server.ServerConfig;
import dev.sluice.server.http.ApiError;
import dev.sluice.store.DatabaseUrl;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The trigger.dev v3 surface over real HTTP: batch creation and its idempotency, the packets handshake and its
 * signed uploads, and items (inline envelopes and {@code application/store} references) through the native
 * pipeline.
 */
class TriggerSurfaceTest {
    private static final String NDJSON = "application/x-ndjson";

    @TempDir
    Path dir;

    private TriggerTestServer s;

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
    }

    private String create(int runCount) throws Exception {
        JsonNode r = s.post("/api/v3/batches", KEY, "application/json",
                "{\"runCount\":" + runCount + ",\"taskIdentifiers\":[\"my-task\"]}");
        assertThat(r.get("_status").asInt()).as(r.toString()).isEqualTo(202);
        return r.get("id").asText();
    }

    /** PUT /api/v2/packets/{path}: the presigned answer. */
    private JsonNode presign(String path, String key) throws Exception {
        return s.send("PUT", "/api/v2/packets/" + URLEncoder.encode(path, StandardCharsets.UTF_8), key, null, null);
    }

    private JsonNode upload(String url, byte[] bytes) throws Exception {
        return s.send("PUT", url, null, "text/plain", bytes);
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void createAnswers202ThenIsCachedForAKnownIdempotencyKey(DatabaseUrl.Kind kind) throws Exception {
        s = new TriggerTestServer(kind, dir);
        String body = "{\"runCount\":3,\"taskIdentifiers\":[\"my-task\"],\"parentRunId\":\"run_1\","
                + "\"resumeParentOnCompletion\":false,\"idempotencyKey\":\"idem-1\"}";
        JsonNode first = s.post("/api/v3/batches", KEY, "application/json", body);
        JsonNode again = s.post("/api/v3/batches", KEY, "application/json", body);
        assertThat(first.get("_status").asInt()).isEqualTo(202);
        assertThat(first.get("isCached").asBoolean()).isFalse();
        assertThat(first.get("runCount").asLong()).isEqualTo(3);
        assertThat(again.get("_status").asInt()).isEqualTo(200);
        assertThat(again.get("isCached").asBoolean()).isTrue();
        assertThat(again.get("id")).isEqualTo(first.get("id"));
        // Another key's idempotency key is its own.
        JsonNode other = s.post("/api/v3/batches", OTHER_KEY, "application/json", body);
        assertThat(other.get("isCached").asBoolean()).isFalse();
        assertThat(other.get("id")).isNotEqualTo(first.get("id"));
        // The extra fields are kept in the batch's metadata, visible through the native API.
        JsonNode status = s.get("/v1/batches/" + first.get("id").asText(), KEY);
        assertThat(status.at("/metadata/trigger/taskIdentifiers/0").asText()).isEqualTo("my-task");
        assertThat(status.at("/metadata/trigger/parentRunId").asText()).isEqualTo("run_1");
        assertThat(status.get("expectedCount").asLong()).isEqualTo(3);
    }

    @Test
    void createValidatesRunCountAndKey() throws Exception {
        s = new TriggerTestServer(DatabaseUrl.Kind.SQLITE, dir);
        assertThat(s.post("/api/v3/batches", KEY, "application/json", "{\"runCount\":0}").get("_status").asInt())
                .isEqualTo(422);
        assertThat(s.post("/api/v3/batches", KEY, "application/json", "{\"runCount\":1001}").get("_status").asInt())
                .isEqualTo(422);
        JsonNode frac = s.post("/api/v3/batches", KEY, "application/json", "{\"runCount\":1.5}");
        assertThat(frac.get("_status").asInt()).isEqualTo(400);
        assertThat(frac.at("/error/message").asText()).contains("runCount");
        assertThat(s.post("/api/v3/batches", KEY, "application/json", "{}").get("_status").asInt()).isEqualTo(400);
        assertThat(s.post("/api/v3/batches", KEY, "application/json", "{\"runCount\":2,\"taskIdentifiers\":\"x\"}")
                .get("_status").asInt()).isEqualTo(400);
        assertThat(s.post("/api/v3/batches", null, "application/json", "{\"runCount\":2}").get("_status").asInt())
                .isEqualTo(401);
    }

    @Test
    void itemsAreStoredAsEnvelopesAndTheBatchSealsOnce() throws Exception {
        s = new TriggerTestServer(DatabaseUrl.Kind.SQLITE, dir);
        String id = create(3);
        String lines = "{\"index\":0,\"task\":\"my-task\",\"payload\":\"{\\\"json\\\":{\\\"n\\\":0}}\","
                + "\"options\":{\"payloadType\":\"application/super+json\"}}\n"
                + "{\"index\":1,\"task\":\"my-task\",\"payload\":{\"n\": 1.50}}\n"
                + "{\"index\":2,\"task\":\"my-task\",\"options\":{}}\n";
        JsonNode r = s.post("/api/v3/batches/" + id + "/items", KEY, NDJSON, lines);
        assertThat(r.get("_status").asInt()).as(r.toString()).isEqualTo(200);
        assertThat(r.get("itemsAccepted").asLong()).isEqualTo(3);
        assertThat(r.get("sealed").asBoolean()).isTrue();
        assertThat(r.get("enqueuedCount").asLong()).isEqualTo(3);
        assertThat(r.get("expectedCount").asLong()).isEqualTo(3);
        // The SDK re-sends the whole stream on a retry: nothing is taken twice.
        JsonNode again = s.post("/api/v3/batches/" + id + "/items", KEY, NDJSON, lines);
        assertThat(again.get("itemsAccepted").asLong()).isZero();
        assertThat(again.get("sealed").asBoolean()).isTrue();

        JsonNode items = s.get("/v1/batches/" + id + "/items", KEY).get("items");
        assertThat(items.get(0).get("payload")).isEqualTo(JSON.readTree("{\"task\":\"my-task\","
                + "\"payload\":\"{\\\"json\\\":{\\\"n\\\":0}}\",\"options\":{\"payloadType\":\"application/super+json\"}}"));
        assertThat(items.get(1).get("payload").get("task").asText()).isEqualTo("my-task");
        assertThat(items.get(1).get("payload").get("options").isEmpty()).isTrue();
        assertThat(items.get(2).get("payload").has("payload")).isFalse();
        // The payload is kept byte for byte (1.50 stays 1.50).
        String raw = s.raw("/v1/batches/" + id + "/items", KEY);
        assertThat(raw).contains("\"payload\":{\"n\": 1.50}");
    }

    @Test
    void itemsRefuseUnknownBatchesAndLinesWithoutATask() throws Exception {
        s = new TriggerTestServer(DatabaseUrl.Kind.SQLITE, dir);
        String id = create(2);
        JsonNode unknown = s.post("/api/v3/batches/batch_nope/items", KEY, NDJSON, "{\"index\":0,\"task\":\"t\"}\n");
        assertThat(unknown.get("_status").asInt()).isEqualTo(404);
        JsonNode others = s.post("/api/v3/batches/" + id + "/items", OTHER_KEY, NDJSON, "{\"index\":0,\"task\":\"t\"}\n");
        assertThat(others.get("_status").asInt()).isEqualTo(404);
        JsonNode noTask = s.post("/api/v3/batches/" + id + "/items", KEY, NDJSON,
                "{\"index\":0,\"task\":\"t\",\"payload\":1}\n{\"index\":1,\"payload\":2}\n");
        assertThat(noTask.get("_status").asInt()).isEqualTo(400);
        assertThat(noTask.at("/error/line").asLong()).isEqualTo(2);
        assertThat(noTask.at("/error/message").asText()).contains("task");
        // What came before the bad line stays accepted.
        assertThat(s.get("/v1/batches/" + id, KEY).get("enqueuedCount").asLong()).isEqualTo(1);
    }

    @Test
    void packetsHandOutSignedExpiringUploadUrls() throws Exception {
        s = new TriggerTestServer(DatabaseUrl.Kind.SQLITE, dir);
        JsonNode p = presign("trigger/packet_abc/payload.json", KEY);
        assertThat(p.get("_status").asInt()).as(p.toString()).isEqualTo(200);
        String url = p.get("presignedUrl").asText();
        String storagePath = p.get("storagePath").asText();
        assertThat(storagePath).startsWith("packets/key_").endsWith("/trigger/packet_abc/payload.json");
        assertThat(url).startsWith(s.base() + "/v1/uploads/" + storagePath + "?expires=");
        assertThat(presign("x/y", null).get("_status").asInt()).isEqualTo(401);

        // A tampered signature, a tampered key, a missing signature: 403, nothing stored.
        String sig = url.substring(url.indexOf("&sig=") + 5);
        String flipped = (sig.charAt(0) == '0' ? "1" : "0") + sig.substring(1);
        assertThat(upload(url.replace(sig, flipped), new byte[] {1}).get("_status").asInt()).isEqualTo(403);
        assertThat(upload(url.replace("payload.json", "other.json"), new byte[] {1}).get("_status").asInt())
                .isEqualTo(403);
        assertThat(upload(url.substring(0, url.indexOf("&sig=")), new byte[] {1}).get("_status").asInt())
                .isEqualTo(403);
        assertThat(dir.resolve("objects").resolve(storagePath)).doesNotExist();

        byte[] bytes = "héllo packet".getBytes(StandardCharsets.UTF_8);
        JsonNode ok = upload(url, bytes);
        assertThat(ok.get("_status").asInt()).as(ok.toString()).isEqualTo(200);
        try (InputStream in = s.objects.get(storagePath)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }

        // The same URL after its expiry: 403.
        s.clock.advanceMillis(TriggerSurface.UPLOAD_URL_TTL.toMillis() + 1000);
        JsonNode expired = upload(url, bytes);
        assertThat(expired.get("_status").asInt()).isEqualTo(403);
        assertThat(expired.at("/error/message").asText()).contains("expired");
    }

    @Test
    void aSharedUploadSecretMakesUrlsGoodOnEveryServerThatHasIt() throws Exception {
        String secret = "0123456789abcdef0123456789abcdef-shared";
        s = new TriggerTestServer(DatabaseUrl.Kind.SQLITE, dir.resolve("a"), secret);
        String url = presign("trigger/packet_lb/payload.json", KEY).get("presignedUrl").asText();
        String storagePath = presign("trigger/packet_lb/payload.json", KEY).get("storagePath").asText();
        byte[] bytes = "behind a load balancer".getBytes(StandardCharsets.UTF_8);
        // Another replica (or this one restarted) with the same secret takes the URL; one without it refuses it.
        try (TriggerTestServer replica = new TriggerTestServer(DatabaseUrl.Kind.SQLITE, dir.resolve("b"), secret);
             TriggerTestServer stranger = new TriggerTestServer(DatabaseUrl.Kind.SQLITE, dir.resolve("c"))) {
            JsonNode refused = stranger.send("PUT", url.replace(s.base(), stranger.base()), null, "text/plain", bytes);
            assertThat(refused.get("_status").asInt()).as(refused.toString()).isEqualTo(403);
            assertThat(refused.at("/error/message").asText()).contains("signature does not match");
            assertThat(dir.resolve("c/objects").resolve(storagePath)).doesNotExist();

            JsonNode ok = replica.send("PUT", url.replace(s.base(), replica.base()), null, "text/plain", bytes);
            assertThat(ok.get("_status").asInt()).as(ok.toString()).isEqualTo(200);
            try (InputStream in = replica.objects.get(storagePath)) {
                assertThat(in.readAllBytes()).isEqualTo(bytes);
            }
        }
    }

    @Test
    void anUploadSecretTooShortToBeOneIsRefusedAndNoSecretIsEverPrinted() {
        assertThatThrownBy(() -> ServerConfig.builder().apiKeys(List.of(KEY)).uploadSecret("hunter2-hunter2").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--upload-secret must be at least 32 printable characters")
                .hasMessageContaining("was 15 characters")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ServerConfig.builder().apiKeys(List.of(KEY))
                .uploadSecret("0123456789abcdef 0123456789abcdef").build())
                .hasMessageContaining("without spaces");
        String secret = "0123456789abcdef0123456789abcdef";
        assertThat(ServerConfig.builder().apiKeys(List.of(KEY)).uploadSecret(secret).build().toString())
                .contains("uploadSecret=shared").contains("apiKeys=1 keys").doesNotContain(secret).doesNotContain(KEY);
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void anApplicationStoreItemReferencesItsUploadedPacket(DatabaseUrl.Kind kind) throws Exception {
        s = new TriggerTestServer(kind, dir);
        byte[] bytes = "{\"json\":\"a large payload\"}".getBytes(StandardCharsets.UTF_8);
        JsonNode p = presign("trigger/packet_1/payload.json", KEY);
        assertThat(upload(p.get("presignedUrl").asText(), bytes).get("_status").asInt()).isEqualTo(200);
        String storagePath = p.get("storagePath").asText();
        String id = create(2);
        String lines = "{\"index\":0,\"task\":\"my-task\",\"payload\":\"small\",\"options\":{\"payloadType\":\"text/plain\"}}\n"
                + "{\"index\":1,\"task\":\"my-task\",\"payload\":\"" + storagePath + "\","
                + "\"options\":{\"payloadType\":\"application/store\",\"payloadSize\":" + bytes.length + "}}\n";
        JsonNode r = s.post("/api/v3/batches/" + id + "/items", KEY, NDJSON, lines);
        assertThat(r.get("_status").asInt()).as(r.toString()).isEqualTo(200);
        assertThat(r.get("sealed").asBoolean()).isTrue();

        JsonNode items = s.get("/v1/batches/" + id + "/items", KEY).get("items");
        assertThat(items.get(0).at("/payload/payload").asText()).isEqualTo("small");
        assertThat(items.get(1).get("payloadRef").asText()).isEqualTo(storagePath);
        assertThat(items.get(1).get("payloadBytes").asLong()).isEqualTo(bytes.length);
        JsonNode resolved = s.get("/v1/batches/" + id + "/items?resolve=true", KEY).get("items");
        assertThat(resolved.get(1).get("payload").get("json").asText()).isEqualTo("a large payload");
    }

    @Test
    void anApplicationStoreItemMustReferenceAnUploadedPacketOfItsOwnKey() throws Exception {
        s = new TriggerTestServer(DatabaseUrl.Kind.SQLITE, dir);
        String id = create(3);
        JsonNode theirs = presign("trigger/packet_2/payload.json", OTHER_KEY);
        upload(theirs.get("presignedUrl").asText(), new byte[] {'1'});
        String ok = "{\"index\":0,\"task\":\"t\",\"payload\":1}\n";
        JsonNode foreign = s.post("/api/v3/batches/" + id + "/items", KEY, NDJSON, ok
                + "{\"index\":1,\"task\":\"t\",\"payload\":\"" + theirs.get("storagePath").asText()
                + "\",\"options\":{\"payloadType\":\"application/store\"}}\n");
        assertThat(foreign.get("_status").asInt()).isEqualTo(422);
        assertThat(foreign.at("/error/code").asText()).isEqualTo("INVALID_PACKET_REFERENCE");
        assertThat(foreign.at("/error/index").asLong()).isEqualTo(1);

        String mine = presign("trigger/packet_3/payload.json", KEY).get("storagePath").asText(); // never uploaded
        JsonNode missing = s.post("/api/v3/batches/" + id + "/items", KEY, NDJSON, ok
                + "{\"index\":2,\"task\":\"t\",\"payload\":\"" + mine
                + "\",\"options\":{\"payloadType\":\"application/store\",\"payloadSize\":5}}\n");
        assertThat(missing.get("_status").asInt()).as(missing.toString()).isEqualTo(422);
        assertThat(missing.at("/error/code").asText()).isEqualTo("OBJECT_NOT_FOUND");
        assertThat(missing.at("/error/index").asLong()).isEqualTo(2);
        JsonNode status = s.get("/v1/batches/" + id, KEY);
        assertThat(status.get("enqueuedCount").asLong()).isEqualTo(1);
        assertThat(status.get("sealed").asBoolean()).isFalse();
    }

    @Test
    void packetPathsAreSanitisedIntoObjectKeys() {
        assertThat(PacketRoutes.sanitise("trigger/packet_abc/payload.json")).isEqualTo("trigger/packet_abc/payload.json");
        assertThat(PacketRoutes.sanitise("/a//b c/../ü.txt")).isEqualTo("a/b_c/_/_.txt");
        assertThat(ObjectStore.checkKey("packets/key_1/" + PacketRoutes.sanitise("../../etc/passwd")))
                .isEqualTo("packets/key_1/_/_/etc/passwd");
        assertThatThrownBy(() -> PacketRoutes.sanitise("///")).isInstanceOf(ApiError.class);
    }
}
