package dev.sluice.cli.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code sluice sim jetstream}: a bad flag is named and exits 2 before anything listens. */
class SimJetstreamCommandTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--port|-1|--port",
            "--events|-5|--events",
            "--hours|0|--hours",
            "--dids|0|--dids",
            "--rate|0|--rate",
            "--rate|fast|--rate",
            "--retention|0s|--retention",
            "--retention|forever|--retention",
            "--drop-after|-1|--drop-after"})
    void aBadFlagIsNamedInTheErrorAndExitsTwo(String flag, String value, String named) {
        int code = Main.run("sim", "jetstream", flag, value);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(named);
    }
}
