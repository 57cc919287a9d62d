package dev.sluice.pull;

import java.time.Duration;

/** A failed attempt to fetch a page, classified so the engine knows whether another attempt can succeed. */
public final class SourceException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** 429: slow down, then try again; {@link #retryAfter()} holds the server's hint when it gave one. */
        RATE_LIMITED(true),
        /** 5xx: the server failed; another attempt may succeed. */
        SERVER_ERROR(true),
        /** No complete response within the deadline, a dropped connection or a truncated body. */
        TRANSPORT(true),
        /** Any other 4xx: the request itself is wrong; retrying cannot help. */
        CLIENT_ERROR(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    public SourceException(Kind kind, int status, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public SourceException(Kind kind, int status, String message) {
        this(kind, status, message, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when no response arrived. */
    public int status() {
        return status;
    }

    /** The server's {@code Retry-After}, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
