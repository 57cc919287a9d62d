package dev.sluice.cli.options;

import dev.sluice.cli.CommandFailure;
import dev.sluice.cli.Converters;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JobLock;
import dev.sluice.store.StoreException;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --db}, for every command that reads or writes Sluice's database. A command with another default (the demo's
 * own file) gives it with a default-value provider.
 */
public final class DatabaseOption {
    @Option(names = "--db", paramLabel = "URL", converter = Converters.DatabaseUrlConverter.class,
            defaultValue = "${env:SLUICE_DB:-sqlite:./sluice.db}",
            description = "sqlite:PATH, postgresql://user[:password]@host[:port]/db or jdbc:…  Default: $SLUICE_DB,"
                    + " else ${DEFAULT-VALUE}.")
    DatabaseUrl url;

    public DatabaseUrl url() {
        return url;
    }

    /** Opens and migrates the database, as {@link #open(DatabaseUrl, int)}. */
    public Database open(int maxConnections) {
        return open(url, maxConnections);
    }

    /** Opens and migrates the database, as {@link #open(DatabaseUrl, int, Duration)}. */
    public Database open(int maxConnections, Duration connectionTimeout) {
        return open(url, maxConnections, connectionTimeout);
    }

    /**
     * Opens and migrates {@code url}. A database that cannot be used at start-up is a configuration error, not an
     * outage to wait out: it fails at once with a message naming {@code --db}, the URL (never its password) and why.
     *
     * @throws CommandFailure exit code {@value CommandFailure#CANNOT_START}
     */
    public static Database open(DatabaseUrl url, int maxConnections) {
        return open(url, maxConnections, CONNECTION_PATIENCE);
    }

    /**
     * How long one attempt waits for a connection while the database is away, before it fails and the store retry
     * ({@code --db-retry-for}) decides whether to try again: short, so the window is kept to within seconds.
     */
    public static final Duration CONNECTION_PATIENCE = Duration.ofSeconds(5);

    /** As {@link #open(DatabaseUrl, int)}, with callers waiting at most {@code connectionTimeout} for a connection. */
    public static Database open(DatabaseUrl url, int maxConnections, Duration connectionTimeout) {
        try {
            return Database.open(url, maxConnections, connectionTimeout);
        } catch (StoreException e) {
            throw CommandFailure.cannotStart("--db: " + e.getMessage(), e);
        }
    }

    /**
     * Takes the job's lock on SQLite ({@link JobLock}): a second process on a running job is refused with a message
     * naming the owner's pid and host, instead of duplicating the job. PostgreSQL needs none (its processes
     * cooperate).
     *
     * @throws CommandFailure exit code {@value CommandFailure#CANNOT_START}
     */
    public static JobLock lockJob(DatabaseUrl url, String job) {
        try {
            return JobLock.acquire(url, job);
        } catch (StoreException e) {
            throw CommandFailure.cannotStart(e.getMessage(), e);
        }
    }
}
