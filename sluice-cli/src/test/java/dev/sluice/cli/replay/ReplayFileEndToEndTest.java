package dev.sluice.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.Main;
import dev.sluice.cli.testing.CapturedOutput;
import dev.sluice.replay.Event;
import dev.sluice.replay.EventJson;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.ReplayTables;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.testing.RandomEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code sluice replay file} as a user runs it: a recording into SQLite and PostgreSQL, resumes, bad lines. */
class ReplayFileEndToEndTest {
    private static final long START = 1_760_000_000_000_000L;
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @TempDir
    Path dir;

    private Path record(List<Event> events) throws Exception {
        Path file = dir.resolve("events.ndjson");
        List<String> lines = new ArrayList<>();
        for (Event e : events) {
            lines.add(EventJson.write(e));
        }
        Files.write(file, lines);
        return file;
    }

    private JsonNode lastJson() throws Exception {
        String[] lines = io.out().strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void aRecordingReplaysToWhatItFoldsToAndASecondRunAppliesNothing(DatabaseUrl.Kind kind) throws Exception {
        List<Event> events = RandomEvents.generate(5, 8_000, START, 400);
        Path file = record(events);
        DatabaseUrl db = TestDatabases.fresh(kind, dir);

        int code = Main.run("replay", "file", file.toString(), "--db", db.toString(), "--mode", "fast", "--json",
                "--job", "rec");
        assertThat(code).as(io.err()).isZero();
        JsonNode summary = lastJson();
        assertThat(summary.get("caught_up").asBoolean()).isTrue();
        assertThat(summary.get("received").asLong()).isEqualTo(events.size());
        assertThat(summary.get("checkpoint_us").asLong()).isEqualTo(events.getLast().timeUs() + 1);
        assertThat(summary.get("gap").isNull()).as("a recording read from its start has no gap").isTrue();
        try (Database d = Database.open(db)) {
            assertThat(ReplayTables.digest(d)).isEqualTo(ReplayTables.expectedDigest(events));
        }

        // the same job again: resumes at its checkpoint, past the end, and reads nothing
        code = Main.run("replay", "file", file.toString(), "--db", db.toString(), "--mode", "fast", "--json",
                "--job", "rec");
        assertThat(code).isZero();
        assertThat(lastJson().get("resumed").asBoolean()).isTrue();
        assertThat(lastJson().get("received").asLong()).isZero();

        // --restart reads it all again, and changes nothing: every event is as old as what is stored
        code = Main.run("replay", "file", file.toString(), "--db", db.toString(), "--mode", "fast", "--json",
                "--job", "rec", "--restart");
        assertThat(code).isZero();
        assertThat(lastJson().get("applied").asLong()).isZero();
        assertThat(lastJson().get("skipped").asLong()).isEqualTo(events.size());
        try (Database d = Database.open(db)) {
            assertThat(ReplayTables.digest(d)).isEqualTo(ReplayTables.expectedDigest(events));
        }
    }

    @Test
    void aBadLineStopsTheRunNamingTheFileAndLineAndKeepsWhatCameBefore() throws Exception {
        List<Event> events = RandomEvents.generate(9, 3_000, START, 100);
        Path file = record(events);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(2_500, "{\"did\":\"did:plc:x\",\"time_us\":\"soon\",\"kind\":\"commit\"}");
        Files.write(file, lines);
        DatabaseUrl db = TestDatabases.sqlite(dir);

        int code = Main.run("replay", "file", file.toString(), "--db", db.toString(), "--mode", "fast", "--job", "bad");
        assertThat(code).isEqualTo(1); // the run failed part-way: what came before stays, a re-run resumes
        assertThat(io.err()).contains("events.ndjson line 2501").contains("time_us");
        try (Database d = Database.open(db)) {
            long cp = new dev.sluice.store.JdbcReplaySink(d, dev.sluice.time.Clock.system()).checkpoint("bad")
                    .orElse(Long.MIN_VALUE);
            // the checkpoint never passes the bad line; the resume after a fix re-reads from there
            assertThat(cp).isLessThanOrEqualTo(events.get(2_500).timeUs());
        }
    }

    @Test
    void badFlagsAreNamed() {
        assertThat(Main.run("replay", "file", dir.resolve("missing.ndjson").toString())).isEqualTo(3);
        assertThat(io.err()).contains("cannot read");
        assertThat(Main.run("replay", "jetstream", "--url", "http://x", "--db", "sqlite:" + dir.resolve("a.db")))
                .isEqualTo(2);
        assertThat(io.err()).contains("--url");
        assertThat(Main.run("replay", "jetstream", "--url", "ws://127.0.0.1:1", "--mode", "turbo", "--db",
                "sqlite:" + dir.resolve("a.db"))).isEqualTo(2);
        assertThat(io.err()).contains("--mode");
    }
}
