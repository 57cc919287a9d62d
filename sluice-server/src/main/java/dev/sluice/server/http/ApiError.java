package dev.sluice.server.http;

import dev.sluice.ingest.run.IngestException;

/**
 * An answer other than success, always sent as {@code {"error":{"code","message","line"?,"index"?}}}. Thrown
 * anywhere in a handler; {@link Responses#error} writes it after draining the request body. {@link #of} is the one
 * mapping from the engine's refusals to HTTP.
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final Long line;
    private final Long index;

    public ApiError(int status, String code, String message, Long line, Long index) {
        super(message);
        this.status = status;
        this.code = code;
        this.line = line;
        this.index = index;
    }

    public ApiError(int status, String code, String message) {
        this(status, code, message, null, null);
    }

    /** The answer to an engine's refusal: its code, message, line and index, with the status that fits it. */
    public static ApiError of(IngestException e) {
        int status = switch (e.code()) {
            case MALFORMED_JSON, MISSING_INDEX, INVALID_UTF8 -> 400;
            case INDEX_OUT_OF_RANGE, OBJECT_NOT_FOUND -> 422;
            case BATCH_EXPIRED -> 410;
            case OBJECT_STORE_UNAVAILABLE -> 503;
        };
        return new ApiError(status, e.code().name(), e.getMessage(), e.line(), e.index());
    }

    /** The store is away for now (a database restarting): the client sends again after a moment, losing nothing. */
    public static ApiError storeUnavailable() {
        return new ApiError(503, "DATABASE_UNAVAILABLE", "the database is unavailable for now (restarting or failing"
                + " over); what was accepted before is kept: send again in a moment");
    }

    /** A failure that is no refusal and no outage: a bug, answered as JSON all the same. */
    public static ApiError internal() {
        return new ApiError(500, "INTERNAL_ERROR", "the server failed; the error is in its log");
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, "UNAUTHORIZED", message);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "NOT_FOUND", message);
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, "BAD_REQUEST", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Long line() {
        return line;
    }

    public Long index() {
        return index;
    }
}
