package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.bench.Stopwatch.Timed;
import dev.sluice.objects.FileObjectStore;
import dev.sluice.server.IngestServer;
import dev.sluice.server.ServerConfig;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcBatchStore;
import dev.sluice.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs the ingest bench: for each scenario, the modes {@code limit}, {@code sluice} and {@code per-item}, each on a
 * fresh database (a new SQLite file, or a new PostgreSQL database dropped afterwards) and a fresh
 * {@link FileObjectStore} in a temp directory, each followed by a check that every index was stored exactly once
 * ({@link IngestCheck}). The two yardsticks, {@code per-item} and {@code limit}, are in {@link IngestBaselines}.
 *
 * <ul>
 *   <li>{@code sluice}: {@link IngestServer} with its default limits on 127.0.0.1 (an ephemeral port), one
 *       {@code POST /v1/batches} and one chunked NDJSON {@code POST /v1/batches/{id}/items} holding every item,
 *       generated while it is sent ({@code BodyPublishers.ofInputStream}). Timed from the create to the answer.</li>
 *   <li>{@code per-item}: the original system's way — 10 threads, each item its own {@link JdbcBatchStore#write}
 *       (one transaction); a large payload is put in the object store first. No HTTP.</li>
 *   <li>{@code limit}: PostgreSQL {@code COPY … FROM STDIN} of the same rows into {@code sluice_batch_items}, or for
 *       SQLite multi-row {@code INSERT}s of 500 rows in one transaction; for the offloaded scenario, raw
 *       {@link FileObjectStore#put} of the same payloads with 10 threads (no rows). No HTTP.</li>
 *   <li>{@code http}: the same request body as {@code sluice}'s, sent the same way to a {@link TransferFloor}, which
 *       reads and drops it: the HTTP transfer alone, the ceiling of any server on this machine. No storage.</li>
 * </ul>
 *
 * <p>Before the measured runs, each mode runs once unmeasured on a slice ({@link #warmupSlice}), so the first
 * measured run does not pay for class loading and JIT compilation, and each measured run first waits for the JIT to
 * go quiet ({@link JitQuiet}). The HTTP client, the server and the database driver share this JVM and its cores.
 */
public final class IngestBench {
    static final String OWNER = "sk_bench_ingest_owner";
    static final Duration JIT_QUIET_AT_MOST = Duration.ofSeconds(30);
    static final List<String> MODES = List.of("limit", "http", "sluice", "per-item");

    /**
     * One scenario: {@code items} payloads of {@code payloadBytes} bytes each.
     *
     * @param offloaded whether the server's default threshold sends these payloads to the object store
     */
    public record Scenario(String name, int items, int payloadBytes, boolean offloaded) {
    }

    /**
     * What to run.
     *
     * @param scenarios the scenarios, in order
     * @param db        a PostgreSQL server URL on which each mode gets its own new database, or an SQLite URL whose
     *                  directory holds each mode's new file, or {@code null} for SQLite files in the temp directory
     * @param modes     the modes to run (always in the order limit, sluice, per-item)
     * @param warmup    run each mode once unmeasured on a small slice first
     * @param seed      seed of the payloads' filler
     * @param repeat    how many times to measure each mode (in turn: limit, http, sluice, per-item, then again);
     *                  each mode reports its median
     */
    public record Plan(List<Scenario> scenarios, List<String> modes, DatabaseUrl db, boolean warmup, long seed,
            int repeat) {
        public Plan {
            scenarios = List.copyOf(scenarios);
            modes = MODES.stream().filter(modes::contains).toList();
            if (repeat < 1) {
                throw new IllegalArgumentException("repeat must be >= 1, was " + repeat);
            }
        }

        public DatabaseUrl.Kind kind() {
            return db == null ? DatabaseUrl.Kind.SQLITE : db.kind();
        }
    }

    private final Plan plan;
    private final Consumer<IngestRun> progress;
    private final ServerConfig serverConfig =
            ServerConfig.builder().apiKeys(List.of(OWNER)).host("127.0.0.1").port(0).build();

    public IngestBench(Plan plan, Consumer<IngestRun> progress) {
        this.plan = plan;
        this.progress = progress;
    }

    /** The server settings the {@code sluice} mode runs with (the defaults of {@code sluice serve}). */
    public ServerConfig serverConfig() {
        return serverConfig;
    }

    public List<IngestRun> run() throws IOException {
        Path work = Files.createTempDirectory("sluice-bench-ingest-");
        try {
            List<IngestRun> all = new ArrayList<>();
            for (Scenario s : plan.scenarios()) {
                IngestPayloads payloads = new IngestPayloads(s.payloadBytes(), plan.seed());
                if (plan.warmup()) {
                    for (String mode : plan.modes()) {
                        IngestRun w = runOne(warmupSlice(s, mode), mode, payloads, work);
                        if (!w.complete()) {
                            progress.accept(w);
                            all.add(w);
                        }
                    }
                }
                // Modes take turns, so a slow spell of the machine falls on all of them, not on one.
                Map<String, List<IngestRun>> repetitions = new LinkedHashMap<>();
                for (int i = 0; i < plan.repeat(); i++) {
                    for (String mode : plan.modes()) {
                        awaitQuietJit();
                        repetitions.computeIfAbsent(mode, m -> new ArrayList<>()).add(runOne(s, mode, payloads, work));
                    }
                }
                List<IngestRun> runs = repetitions.values().stream().map(IngestRun::median).toList();
                double limit = runs.stream().filter(r -> r.mode().equals("limit") && r.complete())
                        .mapToDouble(IngestRun::itemsPerSecond).findFirst().orElse(Double.NaN);
                for (IngestRun r : runs) {
                    IngestRun withRatio = r.withLimitRatio(r.complete() ? r.itemsPerSecond() / limit : Double.NaN);
                    progress.accept(withRatio);
                    all.add(withRatio);
                }
            }
            return all;
        } finally {
            deleteTree(work);
        }
    }

    /** Lets the compilations the warm-ups queued finish first, so no measured run shares its cores with them. */
    private static void awaitQuietJit() throws IOException {
        try {
            JitQuiet.await(JIT_QUIET_AT_MOST);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the JIT to go quiet");
        }
    }

    /**
     * The unmeasured run a mode first makes: the whole scenario, so the JIT has compiled the hot paths (HTTP,
     * NDJSON, JSON, JDBC binds, COPY) at the sizes the measured run uses, as in a server that has been up for a
     * while. Measured: after a 20,000-item warm-up, 100,000 items through {@code sluice} ran at about 145,000 items/s,
     * and 1,000,000 at 250,000 — most of the short run was still compiling. {@code per-item} is capped, since one
     * transaction per item is slow and its path is short.
     */
    static Scenario warmupSlice(Scenario s, String mode) {
        int items = mode.equals("per-item") ? Math.min(s.items(), s.offloaded() ? 20 : 5_000) : s.items();
        return new Scenario(s.name(), items, s.payloadBytes(), s.offloaded());
    }

    private IngestRun runOne(Scenario s, String mode, IngestPayloads payloads, Path work) {
        String label = s.name() + "_" + mode.replace("-", "") + "_" + shortId();
        Path objectsDir = work.resolve("objects-" + label);
        System.gc();
        RssMeter rss = null;
        try {
            FileObjectStore objects = new FileObjectStore(objectsDir);
            if (mode.equals("limit") && s.offloaded()) {
                rss = RssMeter.start();
                Timed t = IngestBaselines.limitObjects(s, payloads, objects);
                double peak = rss.stopMb();
                String failure = IngestCheck.verifyObjects(objects, "limit", s.items(), s.payloadBytes());
                return new IngestRun(s.name(), mode, s.items(), s.payloadBytes(), t.seconds(), Double.NaN, peak,
                        t.cpuSeconds(), failure == null, failure);
            }
            if (mode.equals("http")) {
                rss = RssMeter.start();
                Timed t = transferOnly(s, payloads);
                return new IngestRun(s.name(), mode, s.items(), s.payloadBytes(), t.seconds(), Double.NaN,
                        rss.stopMb(), t.cpuSeconds(), true, null);
            }
            DatabaseUrl url = freshDatabase(label, work);
            try {
                try (Database db = Database.open(url)) {
                    JdbcBatchStore store = new JdbcBatchStore(db, Clock.system());
                    rss = RssMeter.start();
                    Timed t = switch (mode) {
                        case "sluice" -> sluice(s, payloads, store, objects);
                        case "per-item" -> IngestBaselines.perItem(s, payloads, store, objects);
                        case "limit" -> IngestBaselines.limitRows(s, payloads, store, db, plan.kind());
                        default -> throw new IllegalArgumentException("no mode " + mode);
                    };
                    double peak = rss.stopMb();
                    String failure = IngestCheck.verifyRows(db, t.batchId(), s, objects, mode.equals("sluice"));
                    return new IngestRun(s.name(), mode, s.items(), s.payloadBytes(), t.seconds(), Double.NaN, peak,
                            t.cpuSeconds(), failure == null, failure);
                }
            } finally {
                dropDatabase(url);
            }
        } catch (Exception e) {
            double peak = rss == null ? 0 : rss.stopMb();
            return new IngestRun(s.name(), mode, s.items(), s.payloadBytes(), 0, Double.NaN, peak, Double.NaN,
                    false, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            if (rss != null) {
                rss.close();
            }
            deleteTree(objectsDir);
        }
    }

    // ---- sluice: the real server over HTTP

    private Timed sluice(Scenario s, IngestPayloads payloads, JdbcBatchStore store, FileObjectStore objects)
            throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (IngestServer server = IngestServer.start(serverConfig, store, objects, Clock.system())) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            Stopwatch watch = Stopwatch.start();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(base.resolve("/v1/batches"))
                    .header("Authorization", "Bearer " + OWNER)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"expectedCount\":" + s.items() + "}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 201) {
                throw new IllegalStateException("POST /v1/batches answered " + created.statusCode() + ": "
                        + created.body());
            }
            String id = json.readTree(created.body()).path("id").asText();
            HttpResponse<String> answer = postItems(http, base.resolve("/v1/batches/" + id + "/items"), s, payloads);
            Timed timed = watch.stop(id);
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("POST /v1/batches/" + id + "/items answered " + answer.statusCode()
                        + ": " + answer.body());
            }
            JsonNode out = json.readTree(answer.body());
            if (out.path("itemsAccepted").asLong() != s.items() || !out.path("sealed").asBoolean()) {
                throw new IllegalStateException("the server accepted " + out.path("itemsAccepted").asLong() + " of "
                        + s.items() + " items and answered sealed=" + out.path("sealed").asBoolean() + ": "
                        + abbreviate(answer.body()));
            }
            return timed;
        } finally {
            http.close();
        }
    }

    /** The one items request both {@code sluice} and {@code http} send: every item, chunked, made as it is sent. */
    private static HttpResponse<String> postItems(HttpClient http, URI uri, Scenario s, IngestPayloads payloads)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + OWNER)
                .header("Content-Type", "application/x-ndjson")
                .timeout(Duration.ofMinutes(30))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> payloads.ndjson(s.items())))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- http: the transfer alone

    private Timed transferOnly(Scenario s, IngestPayloads payloads) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (TransferFloor floor = TransferFloor.start()) {
            URI uri = URI.create("http://127.0.0.1:" + floor.port() + TransferFloor.PATH);
            Stopwatch watch = Stopwatch.start();
            HttpResponse<String> answer = postItems(http, uri, s, payloads);
            Timed timed = watch.stop(null);
            long expected = payloads.ndjsonBytes(s.items());
            long got = new ObjectMapper().readTree(answer.body()).path("bytes").asLong(-1);
            if (answer.statusCode() != 200 || got != expected) {
                throw new IllegalStateException("POST " + uri + " answered " + answer.statusCode() + " having read "
                        + got + " of the body's " + expected + " bytes: " + abbreviate(answer.body()));
            }
            return timed;
        } finally {
            http.close();
        }
    }

    // ---- databases

    private DatabaseUrl freshDatabase(String label, Path work) {
        if (plan.kind() == DatabaseUrl.Kind.SQLITE) {
            Path dir = plan.db() == null ? work : plan.db().file().orElseThrow().toAbsolutePath().getParent();
            return DatabaseUrl.sqlite(dir.resolve("sluice-bench-" + label + ".db"));
        }
        return BenchDatabases.create(plan.db(), "sluice_bench_" + label.toLowerCase(Locale.ROOT));
    }

    private void dropDatabase(DatabaseUrl url) {
        if (url.kind() == DatabaseUrl.Kind.SQLITE) {
            Path f = url.file().orElseThrow();
            for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
                try {
                    Files.deleteIfExists(Path.of(f + suffix));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete " + f + suffix, e);
                }
            }
            return;
        }
        BenchDatabases.drop(plan.db(), url);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("sluice: could not remove " + root + ": " + e.getMessage());
        }
    }
}
