package dev.sluice.store;

import dev.sluice.store.internal.Dialects;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import org.sqlite.SQLiteException;

/**
 * What a database failure means to its caller: whether it may go away by itself if the same work is tried again
 * ({@link #isTransient}), and what to tell a person ({@link #describe}). The store's classifier for
 * {@link dev.sluice.limit.RetryWindow}.
 *
 * <p>Transient: a lost or refused connection (SQL state class {@code 08}, and the pool's "no connection within the
 * timeout"), a server shutting down or not yet accepting connections ({@code 57P01} admin shutdown, {@code 57P02}
 * crash shutdown, {@code 57P03} cannot connect now), too many connections ({@code 53300}), a failover that left the
 * connection on a read-only standby ({@code 25006}), a serialization failure ({@code 40001}) or deadlock
 * ({@code 40P01}) that aborted the transaction, and SQLite's busy or locked file. Anything else — a constraint, a
 * missing table, a refused login, a full disk — stays until someone acts, so it is not.
 */
public final class DatabaseFailure {
    private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "53300", "25006", "40001",
            "40P01");
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;

    private DatabaseFailure() {
    }

    /** Whether {@code failure}, or a cause of it, is one that trying the same work again later may cure. */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLiteException s) {
                int primary = s.getResultCode().code & 0xff;
                if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
                    return true;
                }
            } else if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.startsWith("08") && !state.equals("08P01") || TRANSIENT_STATES.contains(state)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * One line for a person: the message of the deepest cause that has one (the driver's own words, "Connection
     * refused", "FATAL: password authentication failed for user …"), without the driver's advice and stack of
     * wrappers.
     */
    public static String describe(Throwable failure) {
        String best = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank()) {
                best = m;
            }
        }
        if (best == null) {
            return failure.getClass().getSimpleName();
        }
        String line = best.strip().lines().findFirst().orElse(best).strip();
        // pgjdbc appends advice after the first sentence ("… refused. Check that the hostname and port …").
        int advice = line.indexOf(". Check that");
        return advice > 0 ? line.substring(0, advice) : line;
    }

    /**
     * Why {@code url} could not be opened, in one line that names it (never its password): a refused login is not a
     * database that is not there, nor one that cannot be reached.
     */
    public static String cannotOpen(DatabaseUrl url, Throwable e) {
        String state = null;
        for (Throwable t = e; t != null && state == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                state = s.getSQLState();
            }
        }
        String why = describe(e);
        if (state != null && state.startsWith("28")) {
            return url + " refused the login: " + why;
        }
        if ("3D000".equals(state)) {
            return "no such database at " + url + ": " + why;
        }
        return Dialects.of(url.kind()).cannotReach(url) + ": " + why;
    }
}
