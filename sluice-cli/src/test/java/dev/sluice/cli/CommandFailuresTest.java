package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.testing.CapturedOutput;
import dev.sluice.sim.stripe.StripeSimConfig;
import dev.sluice.sim.stripe.StripeSimulator;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.testing.TestDatabases;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The common failures of every command, as a user meets them: one or two lines on stderr that name the cause and the
 * flag, URL, file or port, the documented exit code, and no stack trace unless {@code --verbose}. The failures that
 * every command with {@code --db} shares are one parameterized test each, over every such command; a database that
 * goes away in the middle of a run is {@link DatabaseRestartTest}'s.
 */
class CommandFailuresTest {
    private static final String UNREACHABLE_PG = "postgresql://postgres@127.0.0.1:1/sluice";

    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @TempDir
    Path dir;

    private String sqlite(String name) {
        return "sqlite:" + dir.resolve(name);
    }

    /**
     * The one line (or two) a failure prints last, after whatever the run said before it (progress, notices): no
     * stack trace, no exception class names.
     */
    private void assertReadable(int code, int expected, String... fragments) {
        assertThat(code).as(io.err()).isEqualTo(expected);
        assertThat(io.err()).doesNotContain("\tat ");
        String all = io.err().strip();
        int start = all.startsWith("sluice: ") ? 0 : all.indexOf("\nsluice: ") + 1;
        String err = all.substring(start);
        assertThat(err).as(all).startsWith("sluice: ").doesNotContain("Exception");
        assertThat(err.lines().count()).as(err).isLessThanOrEqualTo(2);
        for (String f : fragments) {
            assertThat(err).contains(f);
        }
    }

    /**
     * {@code command} (as {@code "backfill stripe"}) with {@code --db db} and whatever else it needs to get as far
     * as opening the database; any API it would call cannot be reached.
     */
    private String[] withDb(String command, String db) throws IOException {
        List<String> line = new ArrayList<>(Arrays.asList(command.split(" ")));
        switch (command) {
            case "backfill stripe", "sync stripe" -> line.addAll(List.of("--api-key", "sk_test_x", "--base-url",
                    "http://127.0.0.1:1", "--since", "0", "--quiet"));
            case "replay file" -> line.add(Files.writeString(dir.resolve("events.ndjson"), "").toString());
            case "replay jetstream" -> line.addAll(List.of("--url", "ws://127.0.0.1:1"));
            case "serve" -> line.addAll(List.of("--port", "0", "--objects", "file:" + dir.resolve("o")));
            case "demo" -> line.addAll(List.of("--objects", "30", "--latency-ms", "0", "--json"));
            case "status", "bench ingest", "bench replay" -> { }
            default -> throw new IllegalArgumentException(command);
        }
        line.addAll(List.of("--db", db));
        return line.toArray(String[]::new);
    }

    // --- the database, for every command that has --db ---

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"backfill stripe", "sync stripe", "replay file", "replay jetstream", "serve", "status",
            "demo", "bench ingest", "bench replay"})
    void anUnreachableDatabaseFailsAtOnceNamingIt(String command) throws IOException {
        int code = Main.run(withDb(command, UNREACHABLE_PG));
        assertReadable(code, 3, "sluice: --db: cannot connect to " + UNREACHABLE_PG + ": Connection refused");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"backfill stripe", "sync stripe", "replay file", "replay jetstream", "serve", "status",
            "demo", "bench ingest", "bench replay"})
    void aDatabaseThatRefusesTheLoginIsNamedWithoutThePassword(String command) throws IOException {
        DatabaseUrl server = TestDatabases.postgres();
        String url = "postgresql://sluice_no_such_role:hunter2@" + server.hostPort().orElseThrow() + "/"
                + server.database().orElseThrow();
        int code = Main.run(withDb(command, url));
        assertReadable(code, 3, "sluice: --db: postgresql://sluice_no_such_role:****@", "refused the login",
                "sluice_no_such_role");
        assertThat(io.err() + io.out()).doesNotContain("hunter2");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"backfill stripe", "sync stripe", "replay file", "replay jetstream", "serve", "status",
            "demo", "bench ingest", "bench replay"})
    void aMalformedDatabaseUrlIsAUsageError(String command) throws IOException {
        int code = Main.run(withDb(command, "mysql://x"));
        assertReadable(code, 2, "--db", "mysql://x", "accepted forms: sqlite:PATH");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"backfill stripe", "sync stripe", "replay file", "replay jetstream", "serve", "demo"})
    void anSqlitePathThatCannotBeWrittenIsNamed(String command) throws IOException {
        Files.writeString(dir.resolve("a-file"), "not a directory");
        int code = Main.run(withDb(command, sqlite("a-file/x.db")));
        assertReadable(code, 3, "sluice: --db: cannot create the directory " + dir.resolve("a-file"),
                "a file is in the way");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"backfill stripe", "sync stripe", "replay file", "serve", "demo"})
    void anSqlitePathThatIsNotADatabaseIsNamed(String command) throws IOException {
        Files.createDirectories(dir.resolve("a-dir"));
        int code = Main.run(withDb(command, sqlite("a-dir")));
        assertReadable(code, 3, "sluice: --db: cannot open the SQLite file " + dir.resolve("a-dir"));
    }

    @Test
    void statusOfAnSqliteFileThatIsNotThereSaysNothingRanThere() {
        int code = Main.run("status", "--db", sqlite("a-file/x.db"));
        assertReadable(code, 3, "sluice: --db: no database at " + dir.resolve("a-file/x.db"));
    }

    // --- the API ---

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"backfill", "sync"})
    void anApiThatCannotBeReachedIsNamedWithItsFlag(String command) {
        int code = Main.run(command, "stripe", "--api-key", "sk_test_x", "--base-url", "http://127.0.0.1:1",
                "--db", sqlite("a.db"), "--max-attempts", "1", "--quiet");
        assertReadable(code, 3, "sluice: --base-url: cannot reach http://127.0.0.1:1: GET "
                + "http://127.0.0.1:1/v1/account: connection refused");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"backfill", "sync"})
    void anApiThatCannotBeReachedOnAnyStreamIsNamedAfterTheSummary(String command) {
        int code = Main.run(command, "stripe", "--api-key", "sk_test_x", "--base-url", "http://127.0.0.1:1",
                "--db", sqlite("a.db"), "--since", "0", "--max-attempts", "1", "--quiet");
        assertThat(code).as(io.err()).isEqualTo(3);
        assertThat(io.out()).contains("customers").contains("connection refused");
        assertThat(io.err()).endsWith("sluice: --base-url: cannot reach http://127.0.0.1:1: every stream failed"
                + " without an answer (see above)" + System.lineSeparator()).doesNotContain("\tat ");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"backfill", "sync"})
    void aRefusedKeyIsNamedWithItsFlag(String command) {
        try (StripeSimulator sim = StripeSimulator.start(StripeSimConfig.builder().port(0).objects(10).build())) {
            int code = Main.run(command, "stripe", "--api-key", "not_a_secret_key", "--base-url", sim.baseUrl(),
                    "--db", sqlite("a.db"), "--quiet");
            assertReadable(code, 3, "sluice: --api-key: " + sim.baseUrl() + " refused the key (401)",
                    "Invalid API Key provided");
            assertThat(io.err()).doesNotContain("not_a_secret_key");

            io.resetOut();
            code = Main.run(command, "stripe", "--api-key", "not_a_secret_key", "--base-url", sim.baseUrl(),
                    "--db", sqlite("a.db"), "--since", "0", "--quiet");
            assertThat(code).as(io.err()).isEqualTo(3);
            assertThat(io.err()).contains("--api-key: " + sim.baseUrl() + " refused the key (401) for every stream");
            assertThat(io.err() + io.out()).doesNotContain("not_a_secret_key");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"backfill", "sync"})
    void aMalformedBaseUrlIsAUsageError(String command) {
        int code = Main.run(command, "stripe", "--api-key", "sk_test_x", "--base-url", "ftp://api.stripe.com",
                "--db", sqlite("a.db"));
        assertReadable(code, 2, "'--base-url'", "ftp://api.stripe.com");
    }

    @Test
    void aJetstreamThatCannotBeReachedIsNamedWithItsFlag() {
        int code = Main.run("replay", "jetstream", "--url", "ws://127.0.0.1:1", "--db", sqlite("r.db"), "--quiet");
        assertReadable(code, 3, "sluice: --url: ws://127.0.0.1:1/subscribe?", "cannot subscribe: connection refused");
    }

    // --- the other flags ---

    @Test
    void aMalformedObjectStoreUrlIsAUsageError() {
        int code = Main.run("serve", "--port", "0", "--db", sqlite("s.db"), "--objects", "ftp://bucket");
        assertReadable(code, 2, "sluice: --objects: ");
    }

    @Test
    void anObjectStoreDirectoryThatCannotBeMadeIsNamed() throws IOException {
        Files.writeString(dir.resolve("a-file"), "not a directory");
        int code = Main.run("serve", "--port", "0", "--db", sqlite("s.db"), "--objects",
                "file:" + dir.resolve("a-file/objects"));
        assertReadable(code, 3, "sluice: --objects: ", dir.resolve("a-file").toString());
    }

    @Test
    void aMalformedJetstreamUrlIsAUsageError() {
        int code = Main.run("replay", "jetstream", "--url", "http://127.0.0.1:6008", "--db", sqlite("r.db"));
        assertReadable(code, 2, "sluice: --url must be a WebSocket URL like ws://127.0.0.1:6008");
    }

    @Test
    void aRecordingThatIsNotThereIsNamed() {
        int code = Main.run("replay", "file", dir.resolve("missing.ndjson").toString(), "--db", sqlite("r.db"));
        assertReadable(code, 3, "sluice: EVENTS.ndjson: cannot read " + dir.resolve("missing.ndjson"),
                "(no such file)");
    }

    @Test
    void aCanaryThatCannotRunIsNamedWithItsFlag() throws IOException {
        Path events = Files.writeString(dir.resolve("events.ndjson"), "");
        int code = Main.run("replay", "file", events.toString(), "--db", TestDatabases.postgres().toString(),
                "--canary-sql", "SELEKT 1");
        assertReadable(code, 3, "sluice: --canary-sql: ", "SELEKT");
    }

    // --- a port in use, for every command that listens ---

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"serve", "sim stripe", "sim jetstream"})
    void aPortInUseIsNamedWithItsFlag(String command) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = String.valueOf(taken.getLocalPort());
            List<String> line = new ArrayList<>(Arrays.asList(command.split(" ")));
            line.addAll(command.equals("serve") ? List.of("--host", "127.0.0.1", "--port", port, "--db",
                    sqlite("s.db"), "--objects", "file:" + dir.resolve("o"), "--api-key", "sk_test_12345678")
                    : command.equals("sim stripe") ? List.of("--port", port, "--objects", "10")
                    : List.of("--port", port, "--events", "10"));
            // A command that did listen would run until stopped: wait for its answer only so long.
            int code = CompletableFuture.supplyAsync(() -> Main.run(line.toArray(String[]::new)))
                    .get(60, TimeUnit.SECONDS);
            assertReadable(code, 3, "sluice: --port: cannot listen on 127.0.0.1:" + port, "Address already in use");
        }
    }

    @Test
    void verboseAddsTheStackTrace() {
        int code = Main.run("--verbose", "status", "--db", UNREACHABLE_PG);
        assertThat(code).isEqualTo(3);
        assertThat(io.err()).startsWith("sluice: --db: cannot connect to").contains("\tat ");

        io.resetOut();
        code = Main.run("status", "--db", UNREACHABLE_PG, "--verbose");
        assertThat(code).isEqualTo(3);
        assertThat(io.err()).contains("\tat ");
    }
}
