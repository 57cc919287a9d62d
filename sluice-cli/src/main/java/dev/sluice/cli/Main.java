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

/** The {@code sluice} command: one place that wires the engine, the stores, the sources and the simulators. */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Moves large volumes of records into a database fast, safely, and without hurting the "
                + "system around it.",
        subcommands = {DemoCommand.class, BackfillCommand.class, SyncCommand.class, ReplayCommand.class, ServeCommand.class, SimCommand.class,
                BenchCommand.class, StatusCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        IdlePriority.allowRelaunch(); // this JVM is the command's own process, not a test's
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        Logging.configure();
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((ex, params) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("sluice: " + ex.getMessage());
            cmd.getErr().println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the flags.");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof UserError) {
                cmd.getErr().println("sluice: " + ex.getMessage());
                return 2;
            }
            cmd.getErr().println("sluice: " + ex);
            ex.printStackTrace(cmd.getErr());
            return 1;
        });
        return cli.execute(args);
    }
}
