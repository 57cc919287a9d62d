package dev.sluice.cli.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.Main;
import dev.sluice.cli.testing.CapturedOutput;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code sluice sync stripe}'s own flags: a wrong value is named in one line, exit 2, before any request. */
class SyncCommandLineTest {
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--until|2024-01-31|--until",
            "--deletes|forever|--deletes must be tombstone or remove",
            "--on-expired|panic|--on-expired must be rebackfill or fail",
            "--events-lag|-5s|--events-lag",
            "--poll-interval|0s|--poll-interval",
            "--events-retention|20s|--events-retention"})
    void aBadSyncFlagIsNamedAndExitsTwo(String flag, String value, String message) {
        int code = Main.run("sync", "stripe", "--api-key", "sk_test_x", "--base-url", "http://127.0.0.1:1",
                "--db", "sqlite:" + dir.resolve("x.db"), flag, value);
        assertThat(code).isEqualTo(2);
        assertThat(io.err()).startsWith("sluice: ").contains(message).doesNotContain("\tat ");
    }
}
