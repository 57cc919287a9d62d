package dev.sluice.sim.stripe.internal;

import dev.sluice.sim.stripe.StripeSimConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The platform account and its connected accounts ({@code --accounts N}), each generated from its own seed with
 * the same shape of data, and ids unique across all of them (Stripe keeps ids unique across accounts, so a copy
 * may key rows by id alone).
 */
public final class Accounts {

    private final SimAccount platform;
    private final Map<String, SimAccount> byId = new LinkedHashMap<>();
    private final List<SimAccount> connected;
    private final ObjectIndex listing;

    private Accounts(SimAccount platform, List<SimAccount> connected) {
        this.platform = platform;
        this.connected = List.copyOf(connected);
        byId.put(platform.id(), platform);
        List<Entry> entries = new ArrayList<>();
        for (SimAccount a : connected) {
            byId.put(a.id(), a);
            entries.add(new Entry(a.id(), a.created()));
        }
        this.listing = new ObjectIndex(entries);
    }

    /**
     * Generates every account's data.
     *
     * @throws IllegalArgumentException for a bad dataset file (the message names the file and resource)
     */
    public static Accounts generate(StripeSimConfig config) {
        long seed = config.seed();
        long accountCreated = config.accountCreated();
        DatasetFile file = null;
        if (config.dataset() != null) {
            file = DatasetFile.read(config.dataset(), config.now());
            seed = file.seed().orElse(seed);
            // The account must be at least as old as its oldest object: engines start a backfill at account.created.
            accountCreated = Math.min(accountCreated, file.earliest().orElse(accountCreated));
        }
        Set<String> taken = new HashSet<>();
        List<SimAccount> connected = new ArrayList<>();
        SimAccount platform = account(config, file, SimAccount.platformId(seed), seed, accountCreated, false,
                "Sluice Simulated Inc.", taken);
        taken.add(platform.id());
        for (int i = 1; i <= config.accounts(); i++) {
            long accountSeed = Seeds.derive(seed, "connected/" + i);
            String id = connectedId(accountSeed, taken);
            connected.add(account(config, file, id, accountSeed, accountCreated, true, "Connected Shop " + i, taken));
        }
        return new Accounts(platform, connected);
    }

    private static SimAccount account(StripeSimConfig config, DatasetFile file, String id, long seed, long created,
                                      boolean isConnected, String name, Set<String> taken) {
        Map<ResourceKind, List<Entry>> data;
        List<ResourceKind> kinds = config.resources().stream().map(r -> ResourceKind.byName(r).orElseThrow()).toList();
        if (file != null) {
            data = Population.generate(seed, file.resources(), taken);
        } else if (config.shape() != null) {
            ShapeGenerator.Drawn drawn = ShapeGenerator.draw(seed, config.shape(), config.objects(), kinds, config.now());
            created = drawn.accountCreated();
            data = Population.generate(seed, drawn.spans(), taken);
        } else {
            data = Population.generate(seed, config.profile(), config.objects(), kinds, created, config.now(), taken);
        }
        ObjectRenderer renderer = new ObjectRenderer(seed, config.now(), config.invoiceLines());
        return new SimAccount(id, created, seed, isConnected, name, data, new ArrayList<>(data.keySet()), renderer);
    }

    /** A connected account's id, unique among the ids taken so far. */
    private static String connectedId(long accountSeed, Set<String> taken) {
        SplittableRandom random = Seeds.random(accountSeed, "account");
        String id;
        do {
            id = Seeds.id("acct_", 16, random);
        } while (!taken.add(id));
        return id;
    }

    public SimAccount platform() {
        return platform;
    }

    /** Connected accounts in the order they were generated. */
    public List<SimAccount> connected() {
        return connected;
    }

    /** The platform first, then the connected accounts. */
    public Collection<SimAccount> all() {
        return byId.values();
    }

    /** Connected accounts as list entries, for {@code GET /v1/accounts}. */
    public ObjectIndex listing() {
        return listing;
    }

    /** The account with this id; null or empty is the platform. */
    public SimAccount find(String id) {
        return id == null || id.isEmpty() ? platform : byId.get(id);
    }

    /** Whether any account already uses the id for an object of this resource. */
    public boolean taken(ResourceKind kind, String id) {
        for (SimAccount a : byId.values()) {
            if (a.index(kind).contains(id)) {
                return true;
            }
        }
        return false;
    }
}
