package dev.sluice.sim.stripe;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the webhook sender did since start or the last reset (all zero without {@code --webhook-url}).
 *
 * @param deliveries attempts answered 2xx (a duplicate delivered counts again)
 * @param retries    attempts that repeated one that failed
 * @param duplicates events chosen to be delivered twice ({@code --webhook-duplicate-rate})
 * @param failures   attempts answered non-2xx, or that could not connect or timed out
 * @param pending    deliveries not yet answered 2xx, now (not reset)
 */
public record WebhookStats(
        @JsonProperty("deliveries") long deliveries,
        @JsonProperty("retries") long retries,
        @JsonProperty("duplicates") long duplicates,
        @JsonProperty("failures") long failures,
        @JsonProperty("pending") long pending) {

    public static final WebhookStats NONE = new WebhookStats(0, 0, 0, 0, 0);
}
