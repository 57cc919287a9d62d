package dev.sluice.cli;

import dev.sluice.cli.bench.BenchCommand;
import dev.sluice.cli.pull.BackfillCommand;
import dev.sluice.cli.pull.DemoCommand;
import dev.sluice.cli.replay.ReplayCommand;
import dev.sluice.cli.serve.ServeCommand;
import dev.sluice.cli.sim.SimCommand;
import dev.sluice.cli.status.StatusCommand;
import dev.sluice.cli.sync.SyncCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code sluice} command: one place that wires the engine, the stores, the sources and the simulators. */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Moves large volumes of records into a database fast, safely, and without hurting the "
                + "system around it.",
        subcommands = {DemoCommand.class, BackfillCommand.class, SyncCommand.class, ReplayCommand.class, ServeCommand.class, SimCommand.class,
                BenchCommand.class, StatusCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On a failure, print the stack trace too (as SLUICE_LOG=debug does).")
    boolean verbose;

    public static void main(String[] args) {
        Logging.configure(); // before IdlePriority's logger: the first logger fixes slf4j-simple's level
        IdlePriority.allowRelaunch(); // this JVM is the command's own process, not a test's
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        Logging.configure();
        Main main = new Main();
        FailureHandler failures = new FailureHandler(() -> main.verbose);
        return new CommandLine(main)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(failures)
                .setExecutionExceptionHandler(failures)
                .execute(args);
    }
}
