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

/** {@code sluice sim jetstream} and {@code sluice sim stripe}: a bad flag is named and exits 2 before anything listens. */
class SimCommandTest {
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

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "jetstream|--port|-1|--port",
            "jetstream|--events|-5|--events",
            "jetstream|--hours|0|--hours",
            "jetstream|--dids|0|--dids",
            "jetstream|--rate|0|--rate",
            "jetstream|--rate|fast|--rate",
            "jetstream|--retention|0s|--retention",
            "jetstream|--retention|forever|--retention",
            "jetstream|--drop-after|-1|--drop-after",
            "stripe|--port|-1|--port",
            "stripe|--update-rate|-1|--update-rate",
            "stripe|--delete-rate|fast|--delete-rate",
            "stripe|--changes-for|soon|--changes-for",
            "stripe|--events-retention|0s|--events-retention",
            "stripe|--invoice-lines|1,x|--invoice-lines",
            "stripe|--invoice-lines|-1|--invoice-lines",
            "stripe|--invoice-lines|20000|--invoice-lines",
            "stripe|--webhook-url|http://127.0.0.1:1/hook|--webhook-secret",
            "stripe|--webhook-secret|whsec_x|--webhook-url",
            "stripe|--webhook-duplicate-rate|1.5|--webhook-duplicate-rate",
            "stripe|--webhook-shuffle-ms|-1|--webhook-shuffle-ms",
            "stripe|--accounts|-1|--accounts",
            "stripe|--accounts|1001|--accounts",
            "stripe|--rate-scope|user|--rate-scope"})
    void aBadFlagIsNamedInTheErrorAndExitsTwo(String command, String flag, String value, String named) {
        int code = Main.run("sim", command, flag, value);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(named);
    }
}
