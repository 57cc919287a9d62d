package dev.sluice.pull;

/** A request that could not be answered: the API refused it, or every attempt failed. */
public final class FetchFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient SourceException last;

    /**
     * @param what     the request, as a person would name it ("stream customers, range …, cursor …")
     * @param attempts attempts made, the first included
     * @param last     the last attempt's failure
     */
    public FetchFailure(String what, int attempts, SourceException last) {
        super(describe(what, attempts, last), last);
        this.last = last;
    }

    /** The last attempt's failure (its kind and HTTP status). */
    public SourceException last() {
        return last;
    }

    private static String describe(String what, int attempts, SourceException last) {
        if (!last.kind().retryable()) {
            return what + ": the API refused the request: " + last.getMessage();
        }
        return what + ": gave up after " + attempts + " attempt" + (attempts == 1 ? "" : "s") + "; last error: "
                + last.getMessage();
    }
}
