package dev.sluice.server.trigger;

import static dev.sluice.server.trigger.TriggerTestServer.JSON;
import static dev.sluice.server.trigger.TriggerTestServer.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.server.testing.NodeProject;
import dev.sluice.server.testing.NodeProject.Run;
import dev.sluice.store.DatabaseUrl;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official {@code @trigger.dev/sdk} (the version pinned in {@code src/test/node/package-lock.json}) streams a
 * 500-item batch into Sluice with {@code tasks.batchTrigger}, offloading the items over 128 KiB through the packets
 * endpoint: every item is stored exactly once, the large ones as objects with the bytes the SDK sent, and the batch
 * is sealed. Needs {@code node} and {@code npm} on the PATH (without them it is skipped, and reported so); the only
 * download is {@code npm ci} of the lockfile.
 */
class TriggerSdkTest {
    private static final Path NODE_PROJECT = Path.of("src/test/node");
    private static final int COUNT = 500;
    private static final int LARGE_EVERY = 10;

    @TempDir
    Path dir;

    /** The same text as {@code largePayload} in batch.mjs. */
    static String largePayload(int i) {
        return "item " + i + " \u2713 " + "abcdefghijklmnopqrstuvwxyz0123456789".repeat(4000 + i);
    }

    @Test
    void officialSdkBatchTriggersFiveHundredItemsWithOffloadedPayloads() throws Exception {
        // A JUnit assumption: without Node the test is reported as skipped, with this reason, never as passed.
        assumeTrue(NodeProject.available(), "node and npm must be on the PATH to run the trigger.dev SDK"
                + " integration test (.ci/run installs them); skipped because at least one is missing");
        NodeProject project = NodeProject.copy(NODE_PROJECT, dir, List.of("package.json", "package-lock.json",
                "batch.mjs"));
        Run install = project.install();
        assertThat(install.exit()).as("npm ci failed:\n%s", install.output()).isZero();

        try (TriggerTestServer s = new TriggerTestServer(DatabaseUrl.Kind.SQLITE, dir.resolve("server"))) {
            Run node = project.run(Map.of("TRIGGER_API_URL", s.base(), "TRIGGER_SECRET_KEY", KEY), 300,
                    "node", "batch.mjs", Integer.toString(COUNT), Integer.toString(LARGE_EVERY));
            assertThat(node.exit()).as("node batch.mjs failed:\n%s", node.output()).isZero();
            String[] lines = node.stdout().strip().split("\n");
            JsonNode result = JSON.readTree(lines[lines.length - 1]);
            String id = result.at("/handle/batchId").asText();
            assertThat(result.at("/handle/runCount").asInt()).isEqualTo(COUNT);

            // What the SDK called: the packets handshake and upload per large item, then the two batch phases.
            int large = COUNT / LARGE_EVERY;
            Map<String, Integer> calls = new TreeMap<>();
            for (JsonNode c : result.get("calls")) {
                String call = c.asText().replaceAll("^(PUT /api/v2/packets/|PUT /v1/uploads/).*", "$1…")
                        .replace(id, "{id}");
                calls.merge(call, 1, Integer::sum);
            }
            assertThat(calls).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "PUT /api/v2/packets/…", large, "PUT /v1/uploads/…", large,
                    "POST /api/v3/batches", 1, "POST /api/v3/batches/{id}/items", 1));

            JsonNode status = s.get("/v1/batches/" + id, KEY);
            assertThat(status.get("status").asText()).isEqualTo("sealed");
            assertThat(status.get("sealed").asBoolean()).isTrue();
            assertThat(status.get("expectedCount").asLong()).isEqualTo(COUNT);
            assertThat(status.get("itemsStored").asLong()).isEqualTo(COUNT);
            assertThat(status.get("itemsFailed").asLong()).isZero();
            assertThat(status.at("/metadata/trigger/taskIdentifiers/0").asText()).isEqualTo("my-task");

            JsonNode items = s.get("/v1/batches/" + id + "/items?limit=1000", KEY).get("items");
            assertThat(items).hasSize(COUNT);
            Map<Integer, JsonNode> sent = new TreeMap<>();
            for (JsonNode l : result.get("large")) {
                sent.put(l.get("index").asInt(), l);
            }
            assertThat(sent).hasSize(large);
            for (int i = 0; i < COUNT; i++) {
                JsonNode item = items.get(i);
                assertThat(item.get("index").asInt()).isEqualTo(i);
                if (i % LARGE_EVERY == 0) {
                    byte[] expected = largePayload(i).getBytes(StandardCharsets.UTF_8);
                    String key = item.path("payloadRef").asText("(no payloadRef: " + item + ")");
                    assertThat(key).as("item %d", i).startsWith("packets/");
                    assertThat(item.get("payloadBytes").asLong()).isEqualTo(expected.length);
                    byte[] stored;
                    try (InputStream in = s.objects.get(key)) {
                        stored = in.readAllBytes();
                    }
                    assertThat(stored).as("object of item %d", i).isEqualTo(expected);
                    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored)))
                            .isEqualTo(sent.get(i).get("sha256").asText());
                } else {
                    JsonNode envelope = item.path("payload");
                    assertThat(envelope.path("task").asText()).as("item %d: %s", i, item).isEqualTo("my-task");
                    assertThat(envelope.at("/options/payloadType").asText()).isEqualTo("application/super+json");
                    JsonNode payload = JSON.readTree(envelope.path("payload").asText());
                    assertThat(payload.at("/json/index").asInt()).isEqualTo(i);
                    assertThat(payload.at("/json/name").asText()).isEqualTo("item-" + i);
                }
            }
        }
    }
}
