package dev.sluice.pull;

import java.util.Objects;

/**
 * One object as a list API returned it.
 *
 * @param id      the object's id, unique within its stream (Stripe: {@code cus_…})
 * @param created the object's creation time in epoch seconds; lists are ordered by it, newest first
 * @param version a number that grows with each newer copy of the object; the sink keeps the copy with the highest
 * @param json    the object exactly as received, as a JSON text
 */
public record SourceRecord(String id, long created, long version, String json) {
    public SourceRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(json, "json");
    }
}
