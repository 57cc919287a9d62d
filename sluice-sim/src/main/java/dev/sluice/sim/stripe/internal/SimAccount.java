package dev.sluice.sim.stripe.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One Stripe account the simulator serves — the platform, or a connected account selected with
 * {@code Stripe-Account} — with its own objects, renderer and event stream.
 *
 * <p>What must stay true: the random streams that drive changes ({@link #changeRandom}, {@link #liveIdRandom},
 * {@link #freshRandom}, {@link #eventIdRandom}) and {@link #nextEventSequence} are used only by the
 * {@link AccountChanges}, under its lock, so a given sequence of changes draws the same values on every run.
 */
public final class SimAccount {

    private final String id;
    private final long created;
    private final long seed;
    private final boolean connected;
    private final String displayName;
    private final Map<ResourceKind, ObjectIndex> indexes;
    private final List<ResourceKind> dataResources;
    private final ObjectRenderer renderer;
    private final EventLog events = new EventLog();
    private final Map<ResourceKind, SplittableRandom> changeRandom = new EnumMap<>(ResourceKind.class);
    private final Map<ResourceKind, SplittableRandom> liveIdRandom = new EnumMap<>(ResourceKind.class);
    private final Map<ResourceKind, SplittableRandom> freshRandom = new EnumMap<>(ResourceKind.class);
    private final SplittableRandom eventIdRandom;
    private long eventSequence;

    /**
     * @param data          the generated objects per resource (resources without data get an empty index)
     * @param dataResources the resources that hold data: those the change rates apply to
     */
    public SimAccount(String id, long created, long seed, boolean connected, String displayName,
                      Map<ResourceKind, List<Entry>> data, List<ResourceKind> dataResources, ObjectRenderer renderer) {
        this.id = id;
        this.created = created;
        this.seed = seed;
        this.connected = connected;
        this.displayName = displayName;
        this.dataResources = List.copyOf(dataResources);
        this.renderer = renderer;
        this.indexes = new EnumMap<>(ResourceKind.class);
        for (ResourceKind kind : ResourceKind.values()) {
            indexes.put(kind, new ObjectIndex(data.getOrDefault(kind, List.of())));
            changeRandom.put(kind, Seeds.random(seed, "changes/" + kind.path()));
            liveIdRandom.put(kind, Seeds.random(seed, "live-ids/" + kind.path()));
            freshRandom.put(kind, Seeds.random(seed, "live-status/" + kind.path()));
        }
        this.eventIdRandom = Seeds.random(seed, "event-ids");
    }

    /** The platform account's id for a seed (what {@code GET /v1/account} has always answered). */
    public static String platformId(long seed) {
        return Seeds.id("acct_", 16, Seeds.random(seed, "account"));
    }

    public String id() {
        return id;
    }

    public long created() {
        return created;
    }

    public long seed() {
        return seed;
    }

    /** A connected account: its events carry a top-level {@code account}. */
    public boolean connected() {
        return connected;
    }

    /** The value of an event's {@code account}: this id for a connected account, null for the platform. */
    public String eventAccount() {
        return connected ? id : null;
    }

    public ObjectIndex index(ResourceKind kind) {
        return indexes.get(kind);
    }

    /** Live objects over all resources. */
    public long objectCount() {
        return indexes.values().stream().mapToLong(ObjectIndex::size).sum();
    }

    public List<ResourceKind> dataResources() {
        return dataResources;
    }

    public ObjectRenderer renderer() {
        return renderer;
    }

    public EventLog events() {
        return events;
    }

    SplittableRandom changeRandom(ResourceKind kind) {
        return changeRandom.get(kind);
    }

    SplittableRandom liveIdRandom(ResourceKind kind) {
        return liveIdRandom.get(kind);
    }

    SplittableRandom freshRandom(ResourceKind kind) {
        return freshRandom.get(kind);
    }

    SplittableRandom eventIdRandom() {
        return eventIdRandom;
    }

    long nextEventSequence() {
        return ++eventSequence;
    }

    /** The account object, as {@code GET /v1/account} and {@code /v1/accounts} render it. */
    public void writeAccount(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", "account");
        g.writeObjectFieldStart("business_profile");
        g.writeStringField("name", displayName);
        g.writeStringField("url", "https://example.com");
        g.writeEndObject();
        g.writeStringField("business_type", "company");
        g.writeBooleanField("charges_enabled", true);
        g.writeStringField("country", "US");
        g.writeNumberField("created", created);
        g.writeStringField("default_currency", "usd");
        g.writeBooleanField("details_submitted", true);
        g.writeStringField("email", connected ? "owner+" + id + "@example.com" : "owner@example.com");
        g.writeBooleanField("livemode", false);
        g.writeBooleanField("payouts_enabled", true);
        g.writeObjectFieldStart("settings");
        g.writeObjectFieldStart("dashboard");
        g.writeStringField("display_name", connected ? displayName : "Sluice Sim");
        g.writeStringField("timezone", "Etc/UTC");
        g.writeEndObject();
        g.writeEndObject();
        g.writeStringField("type", connected ? "custom" : "standard");
        g.writeEndObject();
    }
}
