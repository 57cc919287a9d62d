package dev.sluice.cli.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a command printed, as a user would read it: {@code System.out} and {@code System.err} captured for each test
 * and put back after it. Register as {@code @RegisterExtension final CapturedOutput io = new CapturedOutput();}.
 * Tests that use it must not run in parallel with others that print (the streams are global).
 */
public final class CapturedOutput implements BeforeEachCallback, AfterEachCallback {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @Override
    public void beforeEach(ExtensionContext context) {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    /** Everything printed to standard output so far (since the last {@link #resetOut}). */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Everything printed to standard error so far. */
    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Forgets what standard output held, so the next command's output stands alone. */
    public void resetOut() {
        out.reset();
    }
}
