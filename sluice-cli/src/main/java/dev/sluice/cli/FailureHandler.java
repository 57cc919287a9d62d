package dev.sluice.cli;

import dev.sluice.limit.RetryWindow;
import dev.sluice.replay.run.Replay;
import dev.sluice.store.DatabaseFailure;
import dev.sluice.store.StoreException;
import java.io.PrintWriter;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * How every command fails: one or two lines on stderr that name the cause and the flag, URL, file or line involved,
 * and an exit code from {@link CommandFailure}. The stack trace is printed only with {@code --verbose} or
 * {@code SLUICE_LOG=debug}; without it, an unexpected error says how to get one.
 */
final class FailureHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private final BooleanSupplier verbose;

    FailureHandler(BooleanSupplier verbose) {
        this.verbose = verbose;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("sluice: " + ex.getMessage());
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the flags.");
        traceIfVerbose(ex, err);
        return CommandFailure.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        Failure f = classify(ex);
        err.println("sluice: " + f.message());
        if (f.unexpected() && !isVerbose()) {
            err.println("This looks like a bug: run again with --verbose for the stack trace, and report it.");
        }
        traceIfVerbose(ex, err);
        err.flush();
        return f.exitCode();
    }

    private record Failure(int exitCode, String message, boolean unexpected) {
    }

    private static Failure classify(Throwable ex) {
        if (ex instanceof CommandFailure c) {
            return new Failure(c.exitCode(), c.getMessage(), false);
        }
        if (ex instanceof IllegalArgumentException) {
            return new Failure(CommandFailure.USAGE, ex.getMessage(), false);
        }
        if (ex instanceof Replay.ReplayException && ex.getCause() instanceof RetryWindow.OutageTooLong o) {
            return classify(o);
        }
        if (ex instanceof RetryWindow.OutageTooLong) {
            return new Failure(CommandFailure.RUN_FAILED, ex.getMessage() + "\nWhat was committed stays; run the same"
                    + " command again to resume.", false);
        }
        if (ex instanceof Replay.ReplayException || ex instanceof StoreException) {
            String message = ex instanceof StoreException ? "the database failed: " + ex.getMessage()
                    + (ex.getCause() == null ? "" : " (" + DatabaseFailure.describe(ex) + ")") : ex.getMessage();
            return new Failure(CommandFailure.RUN_FAILED, message + "\nWhat was committed stays; run the same"
                    + " command again to resume.", false);
        }
        return new Failure(CommandFailure.RUN_FAILED, "unexpected error: " + ex, true);
    }

    private boolean isVerbose() {
        return verbose.getAsBoolean() || "debug".equalsIgnoreCase(System.getenv("SLUICE_LOG"))
                || "trace".equalsIgnoreCase(System.getenv("SLUICE_LOG"));
    }

    private void traceIfVerbose(Throwable ex, PrintWriter err) {
        if (isVerbose()) {
            ex.printStackTrace(err);
            err.flush();
        }
    }
}
