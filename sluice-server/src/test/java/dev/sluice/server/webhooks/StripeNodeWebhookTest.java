package dev.sluice.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sluice.server.testing.NodeProject;
import dev.sluice.server.testing.NodeProject.Run;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.testing.StoredRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official stripe-node (the version pinned in {@code src/test/node-stripe/package-lock.json}) signs deliveries
 * with {@code stripe.webhooks.generateTestHeaderString}, and Sluice's endpoint accepts exactly those signed with a
 * configured secret and a fresh timestamp. Needs {@code node} and {@code npm} (skipped, and reported so, without them);
 * the only download is {@code npm ci} of the lockfile.
 */
class StripeNodeWebhookTest {
    private static final Path NODE_PROJECT = Path.of("src/test/node-stripe");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void deliveriesSignedByStripeNodeAreVerifiedAndApplied() throws Exception {
        assumeTrue(NodeProject.available(), "node and npm must be on the PATH to run the stripe-node webhook test;"
                + " skipped because at least one is missing");
        NodeProject project = NodeProject.copy(NODE_PROJECT, dir, List.of("package.json", "package-lock.json",
                "webhooks.mjs"));
        Run install = project.install();
        assertThat(install.exit()).as("npm ci failed:\n%s", install.output()).isZero();

        WebhookEndpointTest harness = new WebhookEndpointTest();
        harness.dir = Files.createDirectories(dir.resolve("server"));
        try (WebhookEndpointTest.Endpoint e = harness.new Endpoint(Kind.SQLITE)) {
            long now = e.clock().epochSecond();
            ArrayNode deliveries = JSON.createArrayNode();
            add(deliveries, WebhookEndpointTest.event("evt_n1", "customer.created", now - 20,
                    WebhookEndpointTest.customer("cus_n", "first@x")), WebhookEndpointTest.SECRET, now);
            add(deliveries, WebhookEndpointTest.event("evt_n2", "customer.updated", now - 10,
                    WebhookEndpointTest.customer("cus_n", "second@x")), WebhookEndpointTest.OLD_SECRET, now);
            add(deliveries, WebhookEndpointTest.event("evt_n3", "customer.updated", now - 5,
                    WebhookEndpointTest.customer("cus_n", "forged@x")), "whsec_not_ours", now);
            add(deliveries, WebhookEndpointTest.event("evt_n4", "customer.updated", now - 5,
                    WebhookEndpointTest.customer("cus_n", "replayed@x")), WebhookEndpointTest.SECRET, now - 3600);
            Path file = dir.resolve("deliveries.json");
            Files.writeString(file, deliveries.toString());

            Run node = project.run(Map.of(), 120, "node", "webhooks.mjs", e.url(), file.toString());
            assertThat(node.exit()).as("node webhooks.mjs failed:\n%s", node.output()).isZero();
            String[] lines = node.stdout().strip().split("\n");
            JsonNode answers = JSON.readTree(lines[lines.length - 1]);
            assertThat(answers.get(0).get("status").asInt()).isEqualTo(200);
            assertThat(answers.get(1).get("status").asInt()).isEqualTo(200);
            assertThat(answers.get(2).get("status").asInt()).isEqualTo(400);
            assertThat(answers.get(2).at("/body/error/code").asText()).isEqualTo("INVALID_SIGNATURE");
            assertThat(answers.get(3).at("/body/error/code").asText()).isEqualTo("TIMESTAMP_OUT_OF_TOLERANCE");
            assertThat(JSON.readTree(StoredRows.of(e.db, "stripe", "customers").get("cus_n").data())
                    .path("email").asText()).isEqualTo("second@x");
        }
    }

    private static void add(ArrayNode deliveries, String payload, String secret, long timestamp) {
        deliveries.addObject().put("payload", payload).put("secret", secret).put("timestamp", timestamp);
    }
}
