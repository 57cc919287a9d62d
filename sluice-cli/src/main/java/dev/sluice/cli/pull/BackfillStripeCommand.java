package dev.sluice.cli.pull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.CommandFailure;
import dev.sluice.cli.GracefulStop;
import dev.sluice.cli.options.DatabaseOption;
import dev.sluice.cli.options.DatabaseRetryOption;
import dev.sluice.cli.options.OutputOptions;
import dev.sluice.cli.options.StripeOptions;
import dev.sluice.pull.run.BackfillResult;
import dev.sluice.pull.run.StreamOutcome;
import dev.sluice.time.Clock;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sluice backfill stripe}: every object of the chosen resources, created in {@code [since, until)}, into one
 * table per resource. Flags default to {@code SLUICE_*} environment variables where a deployment would set them.
 */
@Command(name = "stripe", mixinStandardHelpOptions = true,
        description = {"Backfill Stripe (or any API shaped like Stripe's list API) into the database.",
                "Re-running the same --job resumes where it stopped; after a finished run, it fetches what was "
                        + "created since (incremental)."})
public final class BackfillStripeCommand implements Callable<Integer> {
    @Mixin
    StripeOptions stripe;

    @Mixin
    DatabaseOption db;

    @Mixin
    DatabaseRetryOption dbRetry;

    @Override
    public Integer call() throws Exception {
        StripeBackfill.Options options = stripe.options().db(db.url()).dbRetryFor(dbRetry.retryFor()).build();
        return execute(options, stripe.output(), System.out, System.err);
    }

    /** Runs a backfill with progress, Ctrl-C handling and a summary; returns the exit code. */
    static int execute(StripeBackfill.Options options, OutputOptions output, PrintStream out, PrintStream err)
            throws InterruptedException {
        AtomicReference<ProgressDisplay> display = new AtomicReference<>();
        AtomicReference<Instant> engineStart = new AtomicReference<>();
        BackfillResult result;
        try (GracefulStop stop = GracefulStop.install()) {
            try {
                result = StripeBackfill.run(options, Clock.system(), b -> {
                    engineStart.set(Instant.now());
                    stop.stopWith(b::stop); // the requests in flight commit before the JVM exits
                    display.set(ProgressDisplay.start(b, err, !output.showProgress()));
                });
            } finally {
                ProgressDisplay d = display.get();
                if (d != null) {
                    d.close();
                }
            }
        }
        if (output.json()) {
            ObjectNode json = BackfillSummary.json(result);
            // Start-up, apart from the engine's seconds: from the process's start to the engine's first list request
            // (GET /v1/account, when a stream needs it, comes before and counts here).
            Optional<Instant> processStart = ProcessHandle.current().info().startInstant();
            if (processStart.isPresent() && engineStart.get() != null) {
                json.put("startup_seconds", Math.round(
                        Duration.between(processStart.get(), engineStart.get()).toMillis() / 10.0) / 100.0);
            }
            out.println(json.toString());
        } else {
            BackfillSummary.text(result, out);
        }
        out.flush();
        if (result.complete() || result.stopped() && result.streams().stream().noneMatch(StreamOutcome::failed)) {
            return 0;
        }
        throw failure(options, result.streams());
    }

    /**
     * Why the run did not complete, for the error line: when every stream failed alike, the cause is the API's
     * (a refused key, an API that cannot be reached) and is named with its flag; otherwise the summary above
     * names each failed stream.
     */
    public static CommandFailure failure(StripeBackfill.Options options, List<StreamOutcome> streams) {
        List<StreamOutcome> failed = streams.stream().filter(StreamOutcome::failed).toList();
        boolean all = !failed.isEmpty() && failed.size() == streams.size();
        if (all && failed.stream().allMatch(s -> s.errorStatus() == 401)) {
            return CommandFailure.cannotStart("--api-key: " + options.baseUrl() + " refused the key (401) for every"
                    + " stream (see above)", null);
        }
        if (all && failed.stream().allMatch(s -> s.errorStatus() == 0 && s.objects() == 0)) {
            return CommandFailure.cannotStart("--base-url: cannot reach " + options.baseUrl() + ": every stream"
                    + " failed without an answer (see above)", null);
        }
        return CommandFailure.runFailed(failed.size() + " of " + streams.size() + " streams failed (see above);"
                + " the others' data and every checkpoint are committed, and the same command resumes", null);
    }
}
