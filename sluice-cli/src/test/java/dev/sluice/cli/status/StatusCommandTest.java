package dev.sluice.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.Main;
import dev.sluice.cli.testing.CapturedOutput;
import dev.sluice.replay.Event;
import dev.sluice.replay.EventJson;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcBatchStore;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.testing.RandomEvents;
import dev.sluice.time.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code sluice status} on a database where a replay ran and batches were pushed: every kind of job shows. */
class StatusCommandTest {
    private static final long START = 1_760_000_000_000_000L;

    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void replaysAndBatchesShowBesideTheBackfills(DatabaseUrl.Kind kind) throws Exception {
        DatabaseUrl db = TestDatabases.fresh(kind, dir);
        if (kind == DatabaseUrl.Kind.POSTGRESQL) { // a database made and never used (an SQLite file is not there)
            assertThat(Main.run("status", "--db", db.toString())).isZero();
            assertThat(io.out()).contains("No jobs yet");
        }

        List<Event> events = RandomEvents.generate(3, 2_000, START, 100);
        Path file = dir.resolve("events.ndjson");
        Files.write(file, events.stream().map(EventJson::write).toList());
        assertThat(Main.run("replay", "file", file.toString(), "--db", db.toString(), "--mode", "fast", "--job",
                "recording", "--quiet")).as(io.err()).isZero();
        try (Database d = Database.open(db)) {
            JdbcBatchStore batches = new JdbcBatchStore(d, Clock.system());
            batches.create("owner", 10, null, null);
            batches.create("owner", 20, null, null);
        }

        io.resetOut();
        assertThat(Main.run("status", "--db", db.toString())).isZero();
        String text = io.out();
        assertThat(text).contains("replay recording: checkpoint " + (events.getLast().timeUs() + 1))
                .contains("behind now").containsPattern("\\d lanes?, last commit")
                .contains("ingest batches: 2 open, 0 sealed, 0 expired");

        io.resetOut();
        assertThat(Main.run("status", "--db", db.toString(), "--json")).isZero();
        JsonNode status = new ObjectMapper().readTree(io.out().strip());
        JsonNode replay = status.get("replays").get(0);
        assertThat(replay.get("job").asText()).isEqualTo("recording");
        assertThat(replay.get("checkpoint_us").asLong()).isEqualTo(events.getLast().timeUs() + 1);
        assertThat(replay.get("lag_seconds").asDouble()).isPositive();
        assertThat(replay.get("lanes").asInt()).isPositive();
        assertThat(status.get("batches").get("open").asLong()).isEqualTo(2);
        assertThat(status.get("jobs")).isEmpty();
    }
}
