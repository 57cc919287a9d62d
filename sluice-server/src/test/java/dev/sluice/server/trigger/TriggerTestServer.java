package dev.sluice.server.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.objects.FileObjectStore;
import dev.sluice.server.IngestServer;
import dev.sluice.server.ServerConfig;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcBatchStore;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.testing.FakeClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real server over a real database and a file object store, with a hand-driven clock, and an HTTP client. */
final class TriggerTestServer implements AutoCloseable {
    static final String KEY = "tr_dev_sluice_test_key_one";
    static final String OTHER_KEY = "tr_dev_sluice_test_key_two";
    static final ObjectMapper JSON = new ObjectMapper();

    final FakeClock clock = new FakeClock(1_760_000_000L);
    final HttpClient http = HttpClient.newHttpClient();
    final Database db;
    final FileObjectStore objects;
    final IngestServer server;

    TriggerTestServer(DatabaseUrl.Kind kind, Path dir) throws Exception {
        this(kind, dir, null);
    }

    /** @param uploadSecret {@code --upload-secret}, or {@code null} for a random one */
    TriggerTestServer(DatabaseUrl.Kind kind, Path dir, String uploadSecret) throws Exception {
        Files.createDirectories(dir);
        db = Database.open(TestDatabases.fresh(kind, dir));
        objects = new FileObjectStore(dir.resolve("objects"));
        ServerConfig config = ServerConfig.builder().apiKeys(List.of(KEY, OTHER_KEY)).host("127.0.0.1").port(0)
                .maxBatchItems(1000).batchTtl(Duration.ofHours(1)).uploadSecret(uploadSecret).build();
        server = IngestServer.start(config, new JdbcBatchStore(db, clock), objects, clock);
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Sends and returns the JSON answer with its status as {@code _status}. */
    JsonNode send(String method, String pathOrUrl, String key, String contentType, byte[] body) throws Exception {
        URI uri = URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base() + pathOrUrl);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body == null ? new byte[0] : body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body1 = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        ObjectNode out = body1.isObject() ? (ObjectNode) body1 : JSON.createObjectNode().set("body", body1);
        out.put("_status", r.statusCode());
        return out;
    }

    JsonNode post(String path, String key, String contentType, String body) throws Exception {
        return send("POST", path, key, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    JsonNode get(String path, String key) throws Exception {
        return send("GET", path, key, null, null);
    }

    /** The answer's body exactly as sent. */
    String raw(String path, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer " + key)
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() {
        server.close();
        db.close();
    }
}
