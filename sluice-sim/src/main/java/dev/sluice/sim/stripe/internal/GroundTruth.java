package dev.sluice.sim.stripe.internal;

import dev.sluice.sim.stripe.Change;
import dev.sluice.sim.stripe.Digest;
import dev.sluice.sim.stripe.IdDigest;
import dev.sluice.sim.stripe.StateDigest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a checker compares a copy with, and the changes a test makes on purpose: each account's objects as a
 * retrieve renders them now, the ids deleted, digests of both, the change log, and one change at a time. Behind
 * {@code StripeSimulator}'s Java API and the {@code /_sim/…} endpoints alike.
 *
 * <p>Arguments name an account by id (null for the platform) and a resource by its path name; an unknown one is an
 * {@link IllegalArgumentException} whose message lists what is known.
 */
public final class GroundTruth {

    private final Accounts accounts;
    private final AccountChanges accountChanges;
    private final ChangeLog log;

    public GroundTruth(Accounts accounts, AccountChanges accountChanges, ChangeLog log) {
        this.accounts = accounts;
        this.accountChanges = accountChanges;
        this.log = log;
    }

    public SimAccount account(String id) {
        SimAccount a = accounts.find(id);
        if (a == null) {
            throw new IllegalArgumentException("unknown account " + id + "; known: "
                    + String.join(",", accounts.all().stream().map(SimAccount::id).toList()));
        }
        return a;
    }

    public static ResourceKind kind(String resource) {
        return ResourceKind.byName(resource).orElseThrow(() -> new IllegalArgumentException(
                "unknown resource " + resource + "; known: " + String.join(",", ResourceKind.names())));
    }

    /**
     * Live objects (deleted ones excluded, canceled subscriptions included), id → JSON as a retrieve renders it now,
     * sorted by id.
     *
     * @param completeLines invoices with every line embedded and {@code has_more: false}, as a copy that fetched
     *                      the rest holds them
     */
    public Map<String, String> objects(String account, String resource, boolean completeLines) {
        SimAccount a = account(account);
        ResourceKind kind = kind(resource);
        Map<String, String> out = new TreeMap<>();
        for (Snapshot s : a.index(kind).snapshots(Long.MIN_VALUE, Long.MAX_VALUE)) {
            out.put(s.id(), new String(Json.bytes(g -> a.renderer().write(g, kind, s, completeLines)),
                    StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Ids of the resource's deleted objects (canceled subscriptions are not deleted). */
    public List<String> deletedIds(String account, String resource) {
        return account(account).index(kind(resource)).deletedIds().stream().sorted().toList();
    }

    /** {@link StateDigest} over {@link #objects}. */
    public Digest stateDigest(String account, String resource, boolean completeLines) {
        return StateDigest.of(objects(account, resource, completeLines));
    }

    /** Ids of live objects with {@code gte <= created < lt}. */
    public List<String> ids(String account, String resource, long gte, long lt) {
        return account(account).index(kind(resource)).ids(gte, lt);
    }

    public Digest idDigest(String account, String resource, long gte, long lt) {
        return IdDigest.of(ids(account, resource, gte, lt));
    }

    public int count(String account, String resource) {
        return account(account).index(kind(resource)).size();
    }

    /** Changes with a sequence above {@code after}, oldest first. */
    public List<Change> changes(long after) {
        return log.since(after);
    }

    public Change create(String account, String resource) {
        return accountChanges.create(account(account), kind(resource));
    }

    /** @param id null for a random object that can be updated */
    public Change update(String account, String resource, String id) {
        return accountChanges.update(account(account), kind(resource), id);
    }

    /** @param id null for a random object that can be deleted (canceled, for subscriptions) */
    public Change delete(String account, String resource, String id) {
        return accountChanges.delete(account(account), kind(resource), id);
    }
}
