package dev.sluice.cli.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.Main;
import dev.sluice.cli.support.SimSync;
import dev.sluice.cli.testing.CapturedOutput;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.sync.DeletionMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invoices with 0, 10, 11 and 250 lines through the command line: {@code backfill stripe} and {@code sync stripe}
 * store each with its whole list ({@code has_more: false}), and both summaries count the requests that fetched the
 * rest apart, as {@code nested_requests}: ten lines come embedded, the rest in pages of 100. The simulator answers
 * exactly the requests the summary counts, each of which took a token from the run's one limiter.
 */
class InvoiceLinesCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @TempDir
    Path dir;

    private JsonNode run(String command, StripeSimulator sim, DatabaseUrl db, String job, String... more)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(command, "stripe", "--base-url", sim.baseUrl(),
                "--api-key", "sk_test_lines", "--db", db.toString(), "--resources", "invoices", "--rps", "1000",
                "--job", job, "--json", "--quiet"));
        args.addAll(List.of(more));
        io.resetOut();
        assertThat(Main.run(args.toArray(String[]::new))).as(io.err()).isZero();
        String[] lines = io.out().strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    /** Requests completing these invoices' lines: none up to 10, then one per 100 lines beyond the first 10. */
    private static long nestedRequests(Map<String, String> invoices) throws Exception {
        long n = 0;
        for (String json : invoices.values()) {
            int lines = JSON.readTree(json).path("lines").path("data").size();
            n += lines <= 10 ? 0 : (lines - 10 + 99) / 100;
        }
        return n;
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void backfillAndSyncStoreWholeListsAndCountTheirRequestsApart(Kind kind) throws Exception {
        StripeSimConfig config = StripeSimConfig.builder().port(0).seed(3).objects(40).resources(List.of("invoices"))
                .invoiceLines(List.of(0, 10, 11, 250)).rps(100_000).build();
        DatabaseUrl db = TestDatabases.fresh(kind, dir);
        try (StripeSimulator sim = StripeSimulator.start(config)) {
            Map<String, String> truth = sim.objects(null, "invoices", true);

            JsonNode backfill = run("backfill", sim, db, "snapshot");
            assertThat(backfill.get("nested_requests").asLong()).isEqualTo(nestedRequests(truth)).isPositive();
            SimSync.assertMatches(db, sim, "invoices", DeletionMode.TOMBSTONE);

            JsonNode first = run("sync", sim, db, "lines", "--events-lag", "1s");
            assertThat(first.get("requests").get("nested_requests").asLong()).isEqualTo(nestedRequests(truth));

            // Each invoice changes once, in a later second than its copy was read (no tie to re-read); its event
            // carries ten lines and has_more, and the sync completes the rest.
            long synced = System.currentTimeMillis() / 1000;
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> System.currentTimeMillis() / 1000 > synced);
            for (String id : truth.keySet()) {
                sim.update(null, "invoices", id);
            }
            long lastChange = sim.changes().getLast().atMillis() / 1000;
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> System.currentTimeMillis() / 1000 - 1 > lastChange + 1);
            long served = sim.stats().requests();
            JsonNode caughtUp = run("sync", sim, db, "lines", "--events-lag", "1s");
            // Every request the simulator answered is one the summary counts: each went through the run's limiter.
            JsonNode requests = caughtUp.get("requests");
            assertThat(sim.stats().requests() - served).isEqualTo(requests.get("events").asLong()
                    + requests.get("nested_requests").asLong() + requests.get("rereads").asLong());
            Map<String, String> changed = sim.objects(null, "invoices", true);
            assertThat(caughtUp.get("changes_applied").asLong()).isEqualTo(changed.size());
            assertThat(caughtUp.get("requests").get("nested_requests").asLong()).isEqualTo(nestedRequests(changed));
            SimSync.assertMatches(db, sim, "invoices", DeletionMode.TOMBSTONE);
        }
    }
}
