package dev.sluice.cli;

/**
 * A command ended in a way a person must hear about: printed as one or two lines, without a stack trace (unless
 * {@code --verbose}), and exiting with {@link #exitCode()}. The codes are documented in the README:
 * <ul>
 *   <li>{@value #RUN_FAILED}: the run failed part-way (a stream or the source failed for good, or the database stayed
 *       unavailable longer than {@code --db-retry-for}); what was committed stays, and the same command resumes;</li>
 *   <li>{@value #USAGE}: the command line is wrong (an unknown flag, a malformed value);</li>
 *   <li>{@value #CANNOT_START}: what the flags name cannot be used (a database that cannot be reached or refuses the
 *       login, a path that cannot be written, a port in use, an API that cannot be reached or refuses the key).</li>
 * </ul>
 */
public final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int RUN_FAILED = 1;
    public static final int USAGE = 2;
    public static final int CANNOT_START = 3;

    private final int exitCode;

    private CommandFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The command line is wrong; {@code message} names the flag. */
    public static CommandFailure usage(String message) {
        return new CommandFailure(USAGE, message, null);
    }

    /** What the flags name cannot be used; {@code message} names the flag and the URL, file or port. */
    public static CommandFailure cannotStart(String message, Throwable cause) {
        return new CommandFailure(CANNOT_START, message, cause);
    }

    /** The run failed part-way; {@code message} says what failed and where. */
    public static CommandFailure runFailed(String message, Throwable cause) {
        return new CommandFailure(RUN_FAILED, message, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
