package dev.sluice.cli.replay;

import dev.sluice.cli.CommandFailure;
import dev.sluice.source.file.NdjsonEventFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code sluice replay file}: a recorded stream, one Jetstream JSON event per line. */
@Command(name = "file", mixinStandardHelpOptions = true,
        description = "Replay a recorded firehose: an NDJSON file of Jetstream events, in cursor order.")
public final class ReplayFileCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "EVENTS.ndjson", description = "The recording.")
    Path file;

    @Mixin
    ReplayOptions options;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(file)) {
            throw CommandFailure.cannotStart("EVENTS.ndjson: cannot read " + file + (Files.exists(file) ? ""
                    : " (no such file)"), null);
        }
        options.wholeRecording = options.since == null && options.cursor == null;
        options.follow = false;
        return ReplayRun.execute(options, new NdjsonEventFile(file), System.out, System.err);
    }
}
