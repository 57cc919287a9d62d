package dev.sluice.cli.options;

import picocli.CommandLine.Option;

/** {@code --json} and {@code --quiet}, for every command that runs a job and ends with a summary. */
public final class OutputOptions {
    @Option(names = "--json", description = "Print the summary as one JSON object on stdout.")
    boolean json;

    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;

    public boolean json() {
        return json;
    }

    /** Whether to show progress: not with {@code --quiet}, nor with {@code --json}, whose stdout is for scripts. */
    public boolean showProgress() {
        return !quiet && !json;
    }
}
