package dev.sluice.sim.stripe;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the simulator has served since start or the last reset. Counts {@code /v1/*} requests only, never
 * {@code /_sim/*}.
 *
 * @param requests                  every {@code /v1} request that arrived, whatever its outcome
 * @param byStatus                  responses per HTTP status; a hang (no response at all) is counted under {@code 0}
 * @param maxRequestsInAny1sWindow  the largest number of arrivals within any half-open one-second window
 *                                  {@code [t, t + 1 s)}, computed exactly from the recorded arrival times
 * @param emptyPages                {@code 200} list responses that held no items
 * @param byAccount                 requests per account they acted as ({@code Stripe-Account}, else the platform);
 *                                  requests refused before the account was known (401, 403) are not counted here
 * @param webhooks                  what the webhook sender did
 */
public record Stats(
        @JsonProperty("requests") long requests,
        @JsonProperty("by_status") Map<Integer, Long> byStatus,
        @JsonProperty("max_requests_in_any_1s_window") long maxRequestsInAny1sWindow,
        @JsonProperty("empty_pages") long emptyPages,
        @JsonProperty("by_account") Map<String, Long> byAccount,
        @JsonProperty("webhooks") WebhookStats webhooks) {

    public Stats {
        byStatus = Collections.unmodifiableMap(new TreeMap<>(byStatus)); // sorted: stable JSON
        byAccount = Collections.unmodifiableMap(new TreeMap<>(byAccount));
    }

    /** Responses with the given status, 0 if none. */
    public long count(int status) {
        return byStatus.getOrDefault(status, 0L);
    }

    /** Requests that acted as the account, 0 if none. */
    public long requestsFor(String account) {
        return byAccount.getOrDefault(account, 0L);
    }
}
