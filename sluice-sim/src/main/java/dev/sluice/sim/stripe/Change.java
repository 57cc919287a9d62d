package dev.sluice.sim.stripe;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One change the simulator made, for a checker or a benchmark: which object, how, the event that announced it and
 * when it happened by the simulator's wall clock (so a bench can measure the lag from here to its row).
 *
 * @param sequence  1, 2, … across all accounts, in the order changes happened
 * @param account   the connected account's id, null for the platform account
 * @param resource  e.g. {@code customers}
 * @param eventId   the {@code evt_…} that announces it
 * @param eventType e.g. {@code customer.updated}
 * @param atMillis  epoch milliseconds of the change; its event's {@code created} is this in seconds
 */
public record Change(
        @JsonProperty("sequence") long sequence,
        @JsonProperty("account") String account,
        @JsonProperty("resource") String resource,
        @JsonProperty("object_id") String objectId,
        @JsonProperty("kind") ChangeKind kind,
        @JsonProperty("event_id") String eventId,
        @JsonProperty("event_type") String eventType,
        @JsonProperty("at_ms") long atMillis) {
}
