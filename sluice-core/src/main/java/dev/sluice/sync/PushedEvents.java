package dev.sluice.sync;

import java.util.Objects;
import java.util.function.Function;

/**
 * Reads an event a source pushed to an HTTP endpoint (Stripe: a webhook delivery): checks that the source sent it,
 * then reads the change it carries.
 *
 * <p>Duties of an implementation: decide from the raw bytes exactly as received (a signature covers them, not a
 * re-serialisation); never put a secret in a {@link Refused} message; accept an event of a type it does not use as
 * {@link Accepted} with a skipped {@link FeedEvent} (the sender retries a refused delivery for days). Safe to call
 * from many threads.
 */
public interface PushedEvents {
    /** What a delivery came to. */
    sealed interface Verdict permits Accepted, Refused {
    }

    /** The delivery is authentic and holds this event. */
    record Accepted(FeedEvent event) implements Verdict {
        public Accepted {
            Objects.requireNonNull(event, "event");
        }
    }

    /** Why a delivery is refused: a code for machines ({@code INVALID_SIGNATURE}) and a message for people. */
    record Refused(String code, String message) implements Verdict {
    }

    /**
     * @param header    the request's header of a name (case-insensitive), or null when absent
     * @param body      the request body, as received
     * @param nowSecond the current time, for the delivery's age
     */
    Verdict read(Function<String, String> header, byte[] body, long nowSecond);
}
