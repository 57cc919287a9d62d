package dev.sluice.pull.run;

import dev.sluice.pull.PageRequest;
import dev.sluice.pull.SourceException;

/** A page that could not be fetched: the API refused the request, or every attempt failed. */
public final class FetchFailure extends Exception {
    private static final long serialVersionUID = 1L;

    FetchFailure(PageRequest request, int attempts, SourceException last) {
        super(describe(request, attempts, last), last);
    }

    private static String describe(PageRequest r, int attempts, SourceException last) {
        String where = "stream " + r.stream() + ", range " + r.range() + ", cursor "
                + (r.startingAfter() == null ? "(start)" : r.startingAfter());
        if (!last.kind().retryable()) {
            return where + ": the API refused the request: " + last.getMessage();
        }
        return where + ": gave up after " + attempts + " attempt" + (attempts == 1 ? "" : "s") + "; last error: "
                + last.getMessage();
    }
}
