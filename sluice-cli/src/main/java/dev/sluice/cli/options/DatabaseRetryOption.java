package dev.sluice.cli.options;

import dev.sluice.cli.Converters;
import dev.sluice.limit.RetryWindow;
import dev.sluice.store.DatabaseFailure;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --db-retry-for}, for every long-running command: how long a database outage (a restart, a failover) is
 * ridden out before the run gives up. The mechanism is core's {@link RetryWindow}; what is transient is the store's
 * {@link DatabaseFailure}.
 */
public final class DatabaseRetryOption {
    @Option(names = "--db-retry-for", paramLabel = "D", converter = Converters.DurationConverter.class,
            defaultValue = "${env:SLUICE_DB_RETRY_FOR:-2m}",
            description = "Ride out a database outage (restart, failover, deadlock) this long before failing; 0 rides"
                    + " out nothing. Default: ${DEFAULT-VALUE}.")
    Duration retryFor;

    public Duration retryFor() {
        return retryFor;
    }

    /** The store retry of a run against {@code db}, waiting through {@code clock}. */
    public static RetryWindow window(Duration retryFor, DatabaseUrl db, Clock clock) {
        return new RetryWindow(RetryWindow.Config.builder().retryFor(retryFor).build(), DatabaseFailure::isTransient,
                "the database " + db, clock);
    }
}
