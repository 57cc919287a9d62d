package dev.sluice.pull;

/**
 * Completes the lists an object embeds only in part (Stripe: an invoice's first 10 {@code lines}, with
 * {@code has_more}), so the sink stores the whole object.
 *
 * <p>Duties of an implementation: make every request through {@code requests} (so each takes a limiter token and
 * is retried by the engine's loop), return {@code json} unchanged when nothing is missing, and be safe to call from
 * many threads. The engine calls it in the worker that fetched the object, before the object is committed.
 */
@FunctionalInterface
public interface NestedLists {
    /** Completes nothing. */
    NestedLists NONE = (stream, id, json, requests) -> json;

    /** {@code json}, the object {@code id} of {@code stream}, with every nested list complete. */
    String complete(String stream, String id, String json, Requests requests) throws FetchFailure, InterruptedException;
}
