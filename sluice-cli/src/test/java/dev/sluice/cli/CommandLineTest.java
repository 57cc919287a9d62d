package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.testing.CapturedOutput;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line as a user meets it: errors that name the flag, exit codes, and the demo's JSON. */
class CommandLineTest {
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--db|nonsense|--db",
            "--rps|0|--rps",
            "--rps|fast|--rps",
            "--planner|smart|--planner",
            "--since|yesterday|--since",
            "--request-timeout|soon|--request-timeout",
            "--max-concurrency|0|--max-concurrency",
            "--resources|Customers!|--resources",
            "--base-url|ftp://x|--base-url",
            "--job|a b|--job"})
    void aBadFlagIsNamedInTheErrorAndExitsTwo(String flag, String value, String named) {
        int code = Main.run("backfill", "stripe", "--api-key", "sk_test_x", "--db", "sqlite:" + dir.resolve("x.db"),
                flag, value);
        assertThat(code).isEqualTo(2);
        assertThat(io.err()).startsWith("sluice: ").contains(named).doesNotContain("Exception\n\tat ");
    }

    @Test
    void aMissingKeyIsNamed() {
        int code = Main.run("backfill", "stripe", "--api-key", "", "--db", "sqlite:" + dir.resolve("x.db"));
        assertThat(code).isEqualTo(2);
        assertThat(io.err()).contains("--api-key (or STRIPE_API_KEY) is required");
    }

    @Test
    void statusOfAMissingDatabaseSaysSo() {
        int code = Main.run("status", "--db", "sqlite:" + dir.resolve("nothing-here.db"));
        assertThat(code).isEqualTo(3);
        assertThat(io.err()).contains("--db").contains("nothing-here.db");
    }

    @Test
    void theDemoSyncsEverythingAndItsChangesAndStatusReportsIt() throws Exception {
        String db = "sqlite:" + dir.resolve("demo.db");
        int code = Main.run("demo", "--objects", "3000", "--rps", "2000", "--latency-ms", "0", "--change-seconds",
                "1", "--db", db, "--json");
        assertThat(code).as(io.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(io.out().trim());
        assertThat(summary.get("match").asBoolean()).isTrue();
        JsonNode backfill = summary.at("/backfill/backfills/0");
        assertThat(backfill.get("complete").asBoolean()).isTrue();
        assertThat(backfill.get("objects").asLong()).isEqualTo(3000);
        assertThat(backfill.get("streams")).hasSize(3);
        assertThat(backfill.get("requests").asLong()).isGreaterThanOrEqualTo(backfill.get("pages").asLong());
        long creations = summary.at("/changes/creations").asLong();
        long changes = creations + summary.at("/changes/updates").asLong() + summary.at("/changes/deletions").asLong();
        // Each change's event is processed once: applied, or not newer than a copy (a re-read settles such a tie).
        assertThat(summary.at("/catch_up/changes_applied").asLong() + summary.at("/catch_up/changes_skipped").asLong())
                .as(summary.toString()).isEqualTo(changes).isPositive();

        io.resetOut();
        assertThat(Main.run("status", "--db", db, "--json")).isZero();
        JsonNode status = new ObjectMapper().readTree(io.out().trim());
        JsonNode job = status.get("jobs").get(0);
        assertThat(job.get("job").asText()).isEqualTo("demo");
        assertThat(job.get("done").asBoolean()).isTrue();
        long rows = 0;
        for (JsonNode s : job.get("streams")) {
            rows += s.get("rows").asLong();
            assertThat(s.get("remaining")).isEmpty();
        }
        assertThat(rows).as("rows, deleted ones included").isEqualTo(3000 + creations);
    }

    @Test
    void theKeyNeverAppearsInOutput() {
        Main.run("backfill", "stripe", "--api-key", "sk_live_secret123", "--base-url", "http://127.0.0.1:1",
                "--db", "sqlite:" + dir.resolve("k.db"), "--since", "0", "--max-attempts", "1", "--json");
        assertThat(io.err() + io.out()).doesNotContain("sk_live_secret123");
    }
}
