package dev.sluice.source.jetstream;

import java.time.Duration;

/**
 * When to ping a quiet connection and when to give it up: a rule that never reads a clock (the stream passes the
 * injected clock's time), so its timing is tested on a fake clock.
 *
 * <p>A connection the stream is asking a message of, and that has sent no frame for {@code quiet}, is pinged once;
 * if it then sends nothing (a pong is a frame) for {@code quiet} more, it is dead. A stream that is not asking (its
 * reader is behind) expects nothing, so it calls {@link #heard} when it asks again: quiet while paused was its own
 * doing, not the server's.
 *
 * <p>NOTE: java.net.http loses the end of a TCP stream that arrives while the listener has no demand outstanding (its
 * transport throws an {@code InternalError} on its selector thread and never calls {@code onClose}); a server that
 * closes its socket right after its last frame hits exactly that. So the stream does not rely on {@code onClose}
 * alone. The ping also catches a connection that died without any TCP signal.
 *
 * <p>Not thread-safe: the stream calls it under its lock.
 */
final class LivenessTimer {
    /** What the stream does now about its connection. */
    enum Verdict { WAIT, PING, DEAD }

    private final long quietNanos;
    private long lastHeardNanos;
    private long pingSentNanos;
    private boolean pinged;

    LivenessTimer(Duration quiet, long nowNanos) {
        if (!quiet.isPositive()) {
            throw new IllegalArgumentException("--quiet-ping must be > 0, was " + quiet);
        }
        this.quietNanos = quiet.toNanos();
        heard(nowNanos);
    }

    /** A frame arrived, the connection opened, or the stream starts asking again: the quiet starts over. */
    void heard(long nowNanos) {
        lastHeardNanos = nowNanos;
        pinged = false;
    }

    /**
     * What to do at {@code nowNanos} while asking for a message: {@link Verdict#PING} once the connection has been
     * quiet for {@code quiet} (it then counts as sent), {@link Verdict#DEAD} once a ping has gone unanswered for as
     * long again, otherwise {@link Verdict#WAIT}.
     */
    Verdict check(long nowNanos) {
        if (!pinged) {
            if (nowNanos - lastHeardNanos < quietNanos) {
                return Verdict.WAIT;
            }
            pinged = true;
            pingSentNanos = nowNanos;
            return Verdict.PING;
        }
        return nowNanos - pingSentNanos >= quietNanos ? Verdict.DEAD : Verdict.WAIT;
    }

    /** How long the connection has been quiet at {@code nowNanos}, for the message that gives it up. */
    Duration quietFor(long nowNanos) {
        return Duration.ofNanos(nowNanos - lastHeardNanos);
    }
}
