package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.options.DatabaseOption;
import dev.sluice.cli.support.SimBackfill;
import dev.sluice.cli.testing.CapturedOutput;
import dev.sluice.objects.FileObjectStore;
import dev.sluice.replay.Event;
import dev.sluice.replay.EventJson;
import dev.sluice.server.IngestServer;
import dev.sluice.server.ServerConfig;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcBatchStore;
import dev.sluice.store.ReplayTables;
import dev.sluice.store.testing.RestartablePostgres;
import dev.sluice.testing.RandomEvents;
import dev.sluice.time.Clock;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real PostgreSQL restart — the test's own embedded server, stopped and started again — in the middle of a
 * backfill, a replay and a push-ingest stream. Each rides it out: the data ends complete and exactly once, the runs
 * log one line when they start waiting and one when the database is back, and the server answers 503 meanwhile.
 */
class DatabaseRestartTest {
    private static final Duration DOWN = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    private static RestartablePostgres pg;

    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() {
        pg = RestartablePostgres.start(shared.resolve("pg"));
    }

    @AfterAll
    static void stopPostgres() {
        pg.close();
    }

    /** A fresh database of this test's own on the restartable server. */
    private DatabaseUrl db;

    @BeforeEach
    void newDatabase() {
        db = pg.newDatabase();
    }

    private long count(String sql) {
        DatabaseUrl url = db;
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user().orElseThrow(), "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1; // not there yet
        }
    }

    /** Stops the server for {@link #DOWN}, then starts it again. */
    private static void restart() throws InterruptedException {
        pg.stop();
        Thread.sleep(DOWN.toMillis()); // the outage itself, not a wait for a condition
        pg.startAgain();
    }

    private void assertOneOutageLogged() {
        String err = io.err();
        assertThat(err.split("is unavailable \\(", -1)).as(err).hasSize(2);
        assertThat(err.split(" is back after ", -1)).as(err).hasSize(2);
    }

    @Test
    void aBackfillRidesOutARestart() throws Exception {
        List<String> resources = List.of("customers", "charges");
        try (StripeSimulator sim = StripeSimulator.start(StripeSimConfig.builder().port(0).seed(11).objects(12_000)
                .resources(resources).rps(60).build())) {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.run("backfill", "stripe",
                    "--api-key", "sk_test_restart", "--base-url", sim.baseUrl(), "--db", db.toString(),
                    "--resources", "customers,charges", "--rps", "60", "--job", "restart", "--quiet"));
            await().atMost(Duration.ofSeconds(60)).failFast(() -> assertThat(run).as(io.err()).isNotDone())
                    .until(() -> count("SELECT count(*) FROM sluice_checkpoints WHERE job = 'restart'"
                            + " AND NOT done") > 0);
            assertThat(run).isNotDone();
            restart();
            assertThat(run.get(120, TimeUnit.SECONDS)).as(io.err()).isZero();

            assertThat(io.out()).contains("Finished restart");
            for (String r : resources) {
                assertThat(SimBackfill.sink(db, r)).as(r).isEqualTo(SimBackfill.source(sim, r, null, null));
            }
            assertOneOutageLogged();
        }
    }

    @Test
    void aReplayRidesOutARestart() throws Exception {
        List<Event> events = RandomEvents.generate(21, 20_000, 1_760_000_000_000_000L, 2_000);
        Path file = dir.resolve("events.ndjson");
        List<String> lines = new ArrayList<>();
        for (Event e : events) {
            lines.add(EventJson.write(e));
        }
        Files.write(file, lines);
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.run("replay", "file",
                file.toString(), "--db", db.toString(), "--mode", "fast", "--max-rate", "4000", "--job",
                "restart", "--quiet"));
        await().atMost(Duration.ofSeconds(60)).failFast(() -> assertThat(run).as(io.err()).isNotDone())
                .until(() -> count("SELECT max(cursor_us) FROM replay_checkpoints") > events.get(4_000).timeUs());
        assertThat(run).isNotDone();
        restart();
        assertThat(run.get(120, TimeUnit.SECONDS)).as(io.err()).isZero();

        assertThat(io.out()).contains("caught up: 20,000 events received");
        try (Database d = Database.open(db, 1)) {
            assertThat(ReplayTables.digest(d)).isEqualTo(ReplayTables.expectedDigest(events));
        }
        assertOneOutageLogged();
    }

    @Test
    void anOutageLongerThanTheWindowEndsTheRunWithExitOneAndTheResumeCompletesIt() throws Exception {
        try (StripeSimulator sim = StripeSimulator.start(StripeSimConfig.builder().port(0).seed(12).objects(8_000)
                .resources(List.of("customers")).rps(60).build())) {
            String[] backfill = {"backfill", "stripe", "--api-key", "sk_test_restart", "--base-url", sim.baseUrl(),
                    "--db", db.toString(), "--resources", "customers", "--rps", "60", "--job", "gives-up",
                    "--db-retry-for", "2s", "--quiet"};
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.run(backfill));
            await().atMost(Duration.ofSeconds(60)).failFast(() -> assertThat(run).as(io.err()).isNotDone())
                    .until(() -> count("SELECT count(*) FROM sluice_checkpoints WHERE job = 'gives-up'") > 0);
            pg.stop();
            int code;
            try {
                code = run.get(60, TimeUnit.SECONDS);
            } finally {
                pg.startAgain();
            }
            assertThat(code).isEqualTo(1);
            String err = io.err();
            String last = err.substring(err.lastIndexOf("sluice: "));
            assertThat(last).startsWith("sluice: The database " + db + " has been unavailable for ")
                    .contains(" s, longer than --db-retry-for 2s: ")
                    .endsWith("What was committed stays; run the same command again to resume." + System.lineSeparator());
            assertThat(last.lines().count()).isEqualTo(2);

            assertThat(Main.run(backfill)).as(io.err()).isZero();
            assertThat(SimBackfill.sink(db, "customers")).isEqualTo(SimBackfill.source(sim, "customers", null,
                    null));
        }
    }

    @Test
    void theServerAnswers503WhileTheDatabaseIsAwayAndAResendCompletesTheBatch() throws Exception {
        int n = 30_000; // six group commits of 5,000: two before the outage, the rest during it
        String key = "sk_test_restart_serve";
        HttpClient http = HttpClient.newHttpClient();
        try (Database database = DatabaseOption.open(db, 4, Duration.ofSeconds(2));
             FileObjectStore objects = new FileObjectStore(dir.resolve("objects"));
             IngestServer server = IngestServer.start(ServerConfig.builder().apiKeys(List.of(key)).host("127.0.0.1")
                     .port(0).build(), new JdbcBatchStore(database, Clock.system()), objects, Clock.system())) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            JsonNode batch = JSON.readTree(http.send(HttpRequest.newBuilder(base.resolve("/v1/batches"))
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"expectedCount\":" + n + "}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String id = batch.get("id").asText();
            URI items = base.resolve("/v1/batches/" + id + "/items");

            // one stream: the first half, then the database goes away, then the rest
            PipedOutputStream body = new PipedOutputStream();
            PipedInputStream in = new PipedInputStream(body, 1 << 16);
            CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(items)
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> in)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (int i = 0; i < 12_000; i++) {
                body.write(line(i));
            }
            body.flush();
            await().atMost(Duration.ofSeconds(30)).failFast(answer::isDone)
                    .until(() -> count("SELECT count(*) FROM sluice_batch_items") >= 5_000);
            pg.stop();
            for (int i = 12_000; i < n; i++) {
                body.write(line(i));
            }
            body.close();
            HttpResponse<String> refused = answer.get(30, TimeUnit.SECONDS);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(JSON.readTree(refused.body()).path("error").path("code").asText())
                    .isEqualTo("DATABASE_UNAVAILABLE");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");

            // the status is 503 too while it is away; then the client resends what is missing
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(base.resolve("/v1/batches/" + id))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(503);
            pg.startAgain();
            JsonNode done = null;
            for (int attempt = 0; attempt < 20 && (done == null || !done.path("sealed").asBoolean()); attempt++) {
                StringBuilder all = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    all.append(new String(line(i), StandardCharsets.UTF_8));
                }
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(items)
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(all.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    done = JSON.readTree(r.body());
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                    Thread.sleep(500); // Retry-After: the client's own pause, as a real client would take
                }
            }
            assertThat(done).isNotNull();
            assertThat(done.get("sealed").asBoolean()).isTrue();
            assertThat(count("SELECT count(*) FROM sluice_batch_items WHERE batch_id = '" + id + "'")).isEqualTo(n);
            assertThat(count("SELECT count(DISTINCT idx) FROM sluice_batch_items WHERE batch_id = '" + id + "'"
                    + " AND payload = '{\"n\":' || idx || '}'")).isEqualTo(n);
        }
    }

    private static byte[] line(int i) {
        return ("{\"index\":" + i + ",\"payload\":{\"n\":" + i + "}}\n").getBytes(StandardCharsets.UTF_8);
    }
}
