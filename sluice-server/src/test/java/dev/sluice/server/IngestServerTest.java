package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore;
import dev.sluice.ingest.IndexRanges;
import dev.sluice.ingest.ItemRecord;
import dev.sluice.objects.FileObjectStore;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcBatchStore;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.testing.FakeClock;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native batch API over real HTTP against real SQLite and PostgreSQL: exactly once per index, precise errors
 * that keep what came before, sealing once, and early answers only after the body was read.
 *
 * <p>(Over 400 lines: a list of cases, each short, that share one server set-up and its HTTP helpers.)
 */
class IngestServerTest {
    private static final String KEY = "sk_test_ingest_one";
    private static final String OTHER_KEY = "sk_test_ingest_two";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final FakeClock clock = new FakeClock(1_760_000_000L);
    private Database db;
    private IngestServer server;
    private FileObjectStore objects;

    private void start(DatabaseUrl.Kind kind, int offloadThreshold) throws Exception {
        start(kind, offloadThreshold, store -> store);
    }

    /** @param wrap what the server sees of the real store (a test's way to interleave another server's work) */
    private void start(DatabaseUrl.Kind kind, int offloadThreshold, UnaryOperator<BatchStore> wrap) throws Exception {
        db = Database.open(TestDatabases.fresh(kind, dir));
        objects = new FileObjectStore(dir.resolve("objects"));
        ServerConfig config = ServerConfig.builder().apiKeys(List.of(KEY, OTHER_KEY)).host("127.0.0.1").port(0)
                .maxItemBytes(64 * 1024).offloadThresholdBytes(offloadThreshold).batchTtl(Duration.ofHours(1)).build();
        server = IngestServer.start(config, wrap.apply(new JdbcBatchStore(db, clock)), objects, clock);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> post(String path, String key, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String create(long count) throws Exception {
        HttpResponse<String> r = post("/v1/batches", KEY, "application/json",
                ("{\"expectedCount\":" + count + "}").getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).get("id").asText();
    }

    private JsonNode items(String id, String ndjson) throws Exception {
        HttpResponse<String> r = post("/v1/batches/" + id + "/items", KEY, "application/x-ndjson",
                ndjson.getBytes(StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("_status", r.statusCode());
        return body;
    }

    private static String lines(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append("{\"index\":").append(i).append(",\"payload\":{\"n\":").append(i).append("}}\n");
        }
        return sb.toString();
    }

    /** Item {@code index} with a 500-byte string payload: offloaded by a server started with a threshold of 100. */
    private static String offloadedLine(int index) {
        return "{\"index\":" + index + ",\"payload\":\"" + "z".repeat(500) + "\"}\n";
    }

    /** Where the file object store keeps {@code name} of batch {@code id}'s offloaded payloads. */
    private Path batchObject(String id, String name) {
        return dir.resolve("objects").resolve("batches").resolve(id).resolve(name);
    }

    private JsonNode status(String id) throws Exception {
        return JSON.readTree(get("/v1/batches/" + id, KEY).body());
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void createIsIdempotentByKeyAndHeader(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 1024);
        byte[] body = "{\"expectedCount\":3,\"idempotencyKey\":\"k1\",\"metadata\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> first = post("/v1/batches", KEY, "application/json", body);
        HttpResponse<String> again = post("/v1/batches", KEY, "application/json", body);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).get("id")).isEqualTo(JSON.readTree(first.body()).get("id"));
        assertThat(JSON.readTree(first.body()).get("metadata").get("a").asInt()).isEqualTo(1);
        HttpRequest viaHeader = HttpRequest.newBuilder(uri("/v1/batches")).header("Authorization", "Bearer " + KEY)
                .header("Idempotency-Key", "h1").POST(HttpRequest.BodyPublishers.ofString("{\"expectedCount\":2}")).build();
        String a = JSON.readTree(http.send(viaHeader, HttpResponse.BodyHandlers.ofString()).body()).get("id").asText();
        String b = JSON.readTree(http.send(viaHeader, HttpResponse.BodyHandlers.ofString()).body()).get("id").asText();
        assertThat(a).isEqualTo(b);
        HttpResponse<String> bad = post("/v1/batches", KEY, "application/json", "{\"expectedCount\":0}".getBytes());
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("expectedCount");
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void aCompleteStreamSealsAndItemsComeBackInOrder(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 1024);
        String id = create(250);
        JsonNode r = items(id, "\r\n" + lines(0, 100).replace("\n", "\r\n") + "\n  \n" + lines(100, 250).stripTrailing());
        assertThat(r.get("_status").asInt()).isEqualTo(200);
        assertThat(r.get("itemsAccepted").asLong()).isEqualTo(250);
        assertThat(r.get("sealed").asBoolean()).isTrue();
        assertThat(r.has("missing")).isFalse();
        JsonNode page = JSON.readTree(get("/v1/batches/" + id + "/items?after=9&limit=3", KEY).body());
        assertThat(page.get("items").get(0).get("index").asLong()).isEqualTo(10);
        assertThat(page.get("items").get(0).get("payload").get("n").asInt()).isEqualTo(10);
        assertThat(status(id).get("status").asText()).isEqualTo("sealed");
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void aMalformedLineIsNamedAndWhatCameBeforeStays(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 1024);
        String id = create(10);
        JsonNode r = items(id, lines(0, 4) + "{\"index\":4,\"payload\":\n" + lines(5, 10));
        assertThat(r.get("_status").asInt()).isEqualTo(400);
        assertThat(r.get("error").get("code").asText()).isEqualTo("MALFORMED_JSON");
        assertThat(r.get("error").get("line").asLong()).isEqualTo(5);
        JsonNode s = status(id);
        assertThat(s.get("enqueuedCount").asLong()).isEqualTo(4);
        assertThat(s.get("missing").get(0).get("from").asLong()).isEqualTo(4);
        assertThat(s.get("missing").get(0).get("to").asLong()).isEqualTo(10);
        // A retry of the whole stream, corrected, completes without doubles.
        JsonNode retry = items(id, lines(0, 10));
        assertThat(retry.get("itemsAccepted").asLong()).isEqualTo(6);
        assertThat(retry.get("itemsDeduplicated").asLong()).isEqualTo(4);
        assertThat(retry.get("sealed").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void aMalformedLineAfterSeveralGroupCommitsKeepsEveryGroupBeforeIt(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 1024);
        // more than two groups of GroupCommits.GROUP_ITEMS (5,000), so commits are in flight when the bad line comes
        int good = 12_345;
        String id = create(good + 10);
        JsonNode r = items(id, lines(0, good) + "{\"index\":" + good + ",\"payload\":\n" + lines(good + 1, good + 10));
        assertThat(r.get("_status").asInt()).isEqualTo(400);
        assertThat(r.get("error").get("line").asLong()).isEqualTo(good + 1);
        JsonNode s = status(id);
        assertThat(s.get("enqueuedCount").asLong()).isEqualTo(good);
        assertThat(s.get("missing").get(0).get("from").asLong()).isEqualTo(good);
        JsonNode retry = items(id, lines(0, good + 10));
        assertThat(retry.get("itemsAccepted").asLong()).isEqualTo(10);
        assertThat(retry.get("itemsDeduplicated").asLong()).isEqualTo(good);
        assertThat(retry.get("sealed").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void invalidUtf8IsA400NamingTheLine(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 1024);
        String id = create(3);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(lines(0, 1).getBytes(StandardCharsets.UTF_8));
        body.write("{\"index\":1,\"payload\":\"".getBytes(StandardCharsets.UTF_8));
        body.write(new byte[] {(byte) 0xC3, (byte) 0x28});
        body.write("\"}\n".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = post("/v1/batches/" + id + "/items", KEY, "application/x-ndjson", body.toByteArray());
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e.get("code").asText()).isEqualTo("INVALID_UTF8");
        assertThat(e.get("line").asLong()).isEqualTo(2);
        assertThat(status(id).get("enqueuedCount").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void indexesOutOfRangeAreA422NamingTheIndex(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 1024);
        String id = create(3);
        JsonNode over = items(id, lines(0, 1) + "{\"index\":3,\"payload\":1}\n");
        assertThat(over.get("_status").asInt()).isEqualTo(422);
        assertThat(over.get("error").get("index").asLong()).isEqualTo(3);
        assertThat(over.get("error").get("line").asLong()).isEqualTo(2);
        JsonNode negative = items(id, "{\"index\":-1,\"payload\":1}\n");
        assertThat(negative.get("_status").asInt()).isEqualTo(422);
        assertThat(negative.get("error").get("index").asLong()).isEqualTo(-1);
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void aDuplicateIndexInOneStreamIsStoredOnce(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 1024);
        String id = create(3);
        JsonNode r = items(id, lines(0, 2) + "{\"index\":1,\"payload\":\"again\"}\n" + lines(2, 3));
        assertThat(r.get("itemsAccepted").asLong()).isEqualTo(3);
        assertThat(r.get("itemsDeduplicated").asLong()).isEqualTo(1);
        JsonNode page = JSON.readTree(get("/v1/batches/" + id + "/items", KEY).body());
        assertThat(page.get("items").get(1).get("payload").get("n").asInt()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void anOversizedItemFailsAtItsIndexAndTheBatchStillSeals(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 1024);
        String id = create(3);
        String big = "{\"index\":1,\"payload\":\"" + "x".repeat(100_000) + "\"}\n";
        JsonNode r = items(id, lines(0, 1) + big + lines(2, 3));
        assertThat(r.get("_status").asInt()).isEqualTo(200);
        assertThat(r.get("itemsFailed").asLong()).isEqualTo(1);
        assertThat(r.get("sealed").asBoolean()).isTrue();
        JsonNode page = JSON.readTree(get("/v1/batches/" + id + "/items", KEY).body());
        assertThat(page.get("items").get(1).get("error").get("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void largePayloadsGoToTheObjectStoreAndResolveBack(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 100);
        String id = create(2);
        String payload = "{\"blob\":\"" + "y".repeat(5000) + "\"}";
        JsonNode r = items(id, "{\"index\":0,\"payload\":" + payload + "}\n{\"index\":1,\"payload\":7}\n");
        assertThat(r.get("sealed").asBoolean()).isTrue();
        JsonNode refs = JSON.readTree(get("/v1/batches/" + id + "/items", KEY).body());
        assertThat(refs.get("items").get(0).get("payloadRef").asText()).isEqualTo("batches/" + id + "/0");
        assertThat(refs.get("items").get(1).get("payload").asInt()).isEqualTo(7);
        JsonNode resolved = JSON.readTree(get("/v1/batches/" + id + "/items?resolve=true", KEY).body());
        assertThat(resolved.get("items").get(0).get("payload").toString()).isEqualTo(payload);
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void offloadedPayloadsAreTheBytesAsSentAndTheThresholdCountsBytes(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 100);
        String id = create(3);
        // Non-ASCII, escapes and whitespace inside; 42 characters but 122 bytes; a small non-ASCII string inline.
        String object = "{\"s\" : \"é𝄞 \\\"q\\\" \\u00e9\", \"pad\":\"" + "ü".repeat(60) + "\" , \"n\":[1 ,2.50]}";
        String string = "\"" + "€".repeat(40) + "\"";
        String small = "\"ü€\"";
        JsonNode r = items(id, "{\"index\":0,\"payload\": " + object + " }\n{\"payload\":" + string
                + ",\"index\":1}\n{\"index\":2,\"payload\":" + small + "}\n");
        assertThat(r.get("sealed").asBoolean()).as(r.toString()).isTrue();
        try (var in = objects.get("batches/" + id + "/0")) {
            assertThat(in.readAllBytes()).isEqualTo(object.getBytes(StandardCharsets.UTF_8));
        }
        try (var in = objects.get("batches/" + id + "/1")) {
            assertThat(in.readAllBytes()).isEqualTo(string.getBytes(StandardCharsets.UTF_8));
        }
        JsonNode refs = JSON.readTree(get("/v1/batches/" + id + "/items", KEY).body());
        assertThat(refs.get("items").get(1).get("payloadRef").asText()).isEqualTo("batches/" + id + "/1");
        assertThat(refs.get("items").get(2).get("payload").asText()).isEqualTo("ü€");
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void twoStreamsRacingForOneBatchStoreEachIndexOnceAndSealOnce(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 1024);
        // several groups of GroupCommits.GROUP_ITEMS (5,000) per stream: each stream's own commits overlap too
        int n = 16_000;
        String id = create(n);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<JsonNode>> streams = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            List<Integer> mine = new ArrayList<>(order);
            Collections.shuffle(mine, new Random(s));
            StringBuilder sb = new StringBuilder();
            for (int i : mine) {
                sb.append("{\"index\":").append(i).append(",\"payload\":").append(i).append("}\n");
            }
            streams.add(() -> {
                go.await();
                return items(id, sb.toString());
            });
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<JsonNode>> results = new ArrayList<>();
            for (Callable<JsonNode> c : streams) {
                results.add(pool.submit(c));
            }
            go.countDown();
            long accepted = 0;
            long deduplicated = 0;
            for (Future<JsonNode> f : results) {
                JsonNode r = f.get();
                assertThat(r.get("_status").asInt()).isEqualTo(200);
                accepted += r.get("itemsAccepted").asLong();
                deduplicated += r.get("itemsDeduplicated").asLong();
            }
            assertThat(accepted).isEqualTo(n);
            assertThat(deduplicated).isEqualTo(n);
        }
        assertThat(status(id).get("sealed").asBoolean()).isTrue();
        String metrics = http.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("sluice_ingest_batches_sealed_total(\\{[^}]*\\})? 1\\.0");
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void aClientThatDisconnectsMidStreamCanRetryTheWholeStream(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 1024);
        String id = create(500);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/batches/" + id + "/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] part = lines(0, 300).getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(part.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(part);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } // closed without the last chunk
        JsonNode retry = items(id, lines(0, 500));
        assertThat(retry.get("_status").asInt()).isEqualTo(200);
        assertThat(retry.get("sealed").asBoolean()).isTrue();
        assertThat(retry.get("itemsAccepted").asLong() + retry.get("itemsDeduplicated").asLong()).isEqualTo(500);
        assertThat(status(id).get("enqueuedCount").asLong()).isEqualTo(500);
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void reStreamingASealedBatchTakesNothingAgain(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 1024);
        String id = create(5);
        items(id, lines(0, 5));
        JsonNode again = items(id, lines(0, 5));
        assertThat(again.get("_status").asInt()).isEqualTo(200);
        assertThat(again.get("sealed").asBoolean()).isTrue();
        assertThat(again.get("itemsAccepted").asLong()).isZero();
        assertThat(again.get("itemsDeduplicated").asLong()).isEqualTo(5);
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void refusalsAreJsonAndNameWhatWasWrong(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 1024);
        String id = create(5);
        byte[] body = lines(0, 5).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> wrongType = post("/v1/batches/" + id + "/items", KEY, "application/json", body);
        assertThat(wrongType.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(wrongType.body()).get("error").get("message").asText()).contains("application/x-ndjson");
        assertThat(post("/v1/batches/batch_nope/items", KEY, "application/x-ndjson", body).statusCode()).isEqualTo(404);
        assertThat(post("/v1/batches/" + id + "/items", OTHER_KEY, "application/x-ndjson", body).statusCode()).isEqualTo(404);
        HttpResponse<String> noKey = post("/v1/batches/" + id + "/items", null, "application/x-ndjson", body);
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(noKey.body()).get("error").get("code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(post("/v1/batches/" + id + "/items", "sk_wrong_key_x", "application/x-ndjson", body).statusCode())
                .isEqualTo(401);
        assertThat(status(id).get("enqueuedCount").asLong()).isZero();
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void anUnsealedBatchExpiresWithItsItemsAndObjects(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 100);
        String id = create(3);
        items(id, offloadedLine(0));
        Path object = batchObject(id, "0");
        assertThat(Files.exists(object)).isTrue();
        String done = create(1);
        items(done, lines(0, 1));
        clock.advanceMillis(Duration.ofHours(2).toMillis());
        server.expiry().sweep();
        JsonNode s = status(id);
        assertThat(s.get("status").asText()).isEqualTo("expired");
        assertThat(s.get("enqueuedCount").asLong()).isZero();
        assertThat(Files.exists(object)).isFalse();
        assertThat(status(done).get("status").asText()).isEqualTo("sealed");
        assertThat(items(id, lines(1, 3)).get("_status").asInt()).isEqualTo(410);
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void anExpiredBatchLosesPayloadsThatNoRowPointsAtToo(DatabaseUrl.Kind kind) throws Exception {
        start(kind, 100);
        String id = create(3);
        items(id, offloadedLine(0));
        // What a server that crashed between putting a payload and writing its row leaves behind.
        Path orphan = batchObject(id, "2");
        Files.write(orphan, new byte[] {'"', 'x', '"'});
        Path keep = batchObject(id + "0", "0");
        Files.createDirectories(keep.getParent());
        Files.write(keep, new byte[] {'1'});

        clock.advanceMillis(Duration.ofHours(2).toMillis());
        assertThat(server.expiry().sweep()).isEqualTo(2);

        assertThat(orphan.getParent()).doesNotExist(); // the batch's folder, with everything in it
        assertThat(keep).exists(); // another batch's, whose id only starts like this one's
    }

    @ParameterizedTest
    @MethodSource("dev.sluice.store.testing.TestDatabases#kinds")
    void aPayloadPutWhileItsBatchExpiredIsDeletedWithTheRefusedGroup(DatabaseUrl.Kind kind) throws Exception {
        // Another server's sweep expires the batch after this stream offloaded a payload and before its row is
        // written, so the sweep could not see the object: the stream must delete it itself.
        start(kind, 100, real -> new ExpiringBeforeWrite(real, clock));
        String id = create(2);
        JsonNode r = items(id, offloadedLine(0));

        assertThat(r.get("_status").asInt()).as(r.toString()).isEqualTo(410);
        assertThat(r.at("/error/code").asText()).isEqualTo("BATCH_EXPIRED");
        assertThat(status(id).get("status").asText()).isEqualTo("expired");
        assertThat(batchObject(id, "0")).doesNotExist();
    }

    /** A store whose every write is preceded by a sweep of all open batches, as if another server ran one then. */
    private record ExpiringBeforeWrite(BatchStore real, FakeClock clock) implements BatchStore {
        @Override
        public WriteResult write(String batchId, List<ItemRecord> items) {
            real.expire(Instant.ofEpochMilli(clock.epochMillis() + 1));
            return real.write(batchId, items);
        }

        @Override
        public Created create(String owner, long expectedCount, String idempotencyKey, String metadataJson) {
            return real.create(owner, expectedCount, idempotencyKey, metadataJson);
        }

        @Override
        public Optional<Batch> find(String id) {
            return real.find(id);
        }

        @Override
        public Counts counts(String batchId) {
            return real.counts(batchId);
        }

        @Override
        public boolean trySeal(String batchId) {
            return real.trySeal(batchId);
        }

        @Override
        public List<IndexRanges.Range> missing(String batchId, int limit) {
            return real.missing(batchId, limit);
        }

        @Override
        public List<ItemRecord> items(String batchId, long after, int limit) {
            return real.items(batchId, after, limit);
        }

        @Override
        public Expired expire(Instant createdBefore) {
            return real.expire(createdBefore);
        }
    }
}
