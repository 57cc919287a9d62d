package dev.sluice.store;

/** A store operation failed; the message names what was being done (job, stream, table) and the cause says why. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
