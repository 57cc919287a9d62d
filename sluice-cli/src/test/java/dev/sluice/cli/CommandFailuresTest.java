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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The common failures of every command, as a user meets them: one or two lines on stderr that name the cause and the
 * flag, URL, file or port, the documented exit code, and no stack trace unless {@code --verbose}.
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

    /** The one line (or two) a failure prints: no stack trace, no exception class names. */
    private void assertReadable(int code, int expected, String... fragments) {
        assertThat(code).as(io.err()).isEqualTo(expected);
        String err = io.err().strip();
        assertThat(err).startsWith("sluice: ").doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(err.lines().count()).as(err).isLessThanOrEqualTo(2);
        for (String f : fragments) {
            assertThat(err).contains(f);
        }
    }

    // --- the database ---

    @Test
    void backfillWithAnUnreachableDatabaseFailsAtOnceNamingIt() {
        int code = Main.run("backfill", "stripe", "--api-key", "sk_test_x", "--db", UNREACHABLE_PG, "--since", "0");
        assertReadable(code, 3, "sluice: --db: cannot connect to " + UNREACHABLE_PG + ": Connection refused");
    }

    @Test
    void replayWithAnUnreachableDatabaseFailsAtOnceNamingIt() throws IOException {
        Path events = Files.writeString(dir.resolve("events.ndjson"), "");
        int code = Main.run("replay", "file", events.toString(), "--db", UNREACHABLE_PG);
        assertReadable(code, 3, "sluice: --db: cannot connect to " + UNREACHABLE_PG + ": Connection refused");
    }

    @Test
    void serveWithAnUnreachableDatabaseFailsAtOnceNamingIt() {
        int code = Main.run("serve", "--port", "0", "--db", UNREACHABLE_PG, "--objects", "file:" + dir.resolve("o"));
        assertReadable(code, 3, "sluice: --db: cannot connect to " + UNREACHABLE_PG + ": Connection refused");
    }

    @Test
    void statusWithAnUnreachableDatabaseFailsAtOnceNamingIt() {
        int code = Main.run("status", "--db", UNREACHABLE_PG);
        assertReadable(code, 3, "sluice: --db: cannot connect to " + UNREACHABLE_PG + ": Connection refused");
    }

    @Test
    void aDatabaseThatRefusesTheLoginIsNamedWithoutThePassword() {
        DatabaseUrl server = TestDatabases.postgres();
        String url = "postgresql://sluice_no_such_role:hunter2@" + server.hostPort().orElseThrow() + "/"
                + server.database().orElseThrow();
        int code = Main.run("backfill", "stripe", "--api-key", "sk_test_x", "--db", url, "--since", "0");
        assertReadable(code, 3, "sluice: --db: postgresql://sluice_no_such_role:****@", "refused the login",
                "sluice_no_such_role");
        assertThat(io.err()).doesNotContain("hunter2");
    }

    @Test
    void aMalformedDatabaseUrlIsAUsageError() {
        int code = Main.run("status", "--db", "mysql://x");
        assertReadable(code, 2, "Invalid value for option '--db'", "accepted forms: sqlite:PATH");
    }

    @Test
    void anSqlitePathThatCannotBeWrittenIsNamed() throws IOException {
        Files.writeString(dir.resolve("a-file"), "not a directory");
        int code = Main.run("backfill", "stripe", "--api-key", "sk_test_x", "--db", sqlite("a-file/x.db"), "--since",
                "0");
        assertReadable(code, 3, "sluice: --db: cannot create the directory " + dir.resolve("a-file"),
                "a file is in the way");
    }

    @Test
    void anSqlitePathThatIsNotADatabaseIsNamed() throws IOException {
        Files.createDirectories(dir.resolve("a-dir"));
        int code = Main.run("backfill", "stripe", "--api-key", "sk_test_x", "--db", sqlite("a-dir"), "--since", "0");
        assertReadable(code, 3, "sluice: --db: cannot open the SQLite file " + dir.resolve("a-dir"));
    }

    // --- the API ---

    @Test
    void anApiThatCannotBeReachedIsNamedWithItsFlag() {
        int code = Main.run("backfill", "stripe", "--api-key", "sk_test_x", "--base-url", "http://127.0.0.1:1",
                "--db", sqlite("a.db"), "--quiet");
        assertReadable(code, 3, "sluice: --base-url: cannot reach http://127.0.0.1:1: GET "
                + "http://127.0.0.1:1/v1/account: connection refused");
    }

    @Test
    void anApiThatCannotBeReachedOnAnyStreamIsNamedAfterTheSummary() {
        int code = Main.run("backfill", "stripe", "--api-key", "sk_test_x", "--base-url", "http://127.0.0.1:1",
                "--db", sqlite("a.db"), "--since", "0", "--max-attempts", "1", "--quiet");
        assertThat(code).isEqualTo(3);
        assertThat(io.out()).contains("Failed stripe").contains("customers").contains("connection refused");
        assertThat(io.err()).endsWith("sluice: --base-url: cannot reach http://127.0.0.1:1: every stream failed"
                + " without an answer (see above)" + System.lineSeparator()).doesNotContain("\tat ");
    }

    @Test
    void aRefusedKeyIsNamedWithItsFlag() {
        try (StripeSimulator sim = StripeSimulator.start(StripeSimConfig.builder().port(0).objects(10).build())) {
            int code = Main.run("backfill", "stripe", "--api-key", "not_a_secret_key", "--base-url", sim.baseUrl(),
                    "--db", sqlite("a.db"), "--quiet");
            assertReadable(code, 3, "sluice: --api-key: " + sim.baseUrl() + " refused the key (401)",
                    "Invalid API Key provided");
            assertThat(io.err()).doesNotContain("not_a_secret_key");

            io.resetOut();
            code = Main.run("backfill", "stripe", "--api-key", "not_a_secret_key", "--base-url", sim.baseUrl(),
                    "--db", sqlite("a.db"), "--since", "0", "--quiet");
            assertThat(code).isEqualTo(3);
            assertThat(io.err()).contains("--api-key: " + sim.baseUrl() + " refused the key (401) for every stream");
            assertThat(io.err() + io.out()).doesNotContain("not_a_secret_key");
        }
    }

    // --- the other flags ---

    @Test
    void aMalformedObjectStoreUrlIsAUsageError() {
        int code = Main.run("serve", "--port", "0", "--db", sqlite("s.db"), "--objects", "ftp://bucket");
        assertReadable(code, 2, "sluice: --objects: ");
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

    @Test
    void aPortInUseIsNamedWithItsFlag() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = Main.run("serve", "--host", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()),
                    "--db", sqlite("s.db"), "--objects", "file:" + dir.resolve("o"), "--api-key", "sk_test_12345678");
            assertReadable(code, 3, "sluice: --port: cannot listen on 127.0.0.1:" + taken.getLocalPort(),
                    "Address already in use");
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
