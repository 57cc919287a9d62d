package dev.sluice.sync.run;

import dev.sluice.pull.FetchFailure;
import dev.sluice.pull.NestedLists;
import dev.sluice.pull.Requests;
import dev.sluice.sync.Change;
import dev.sluice.sync.ChangeSink;
import dev.sluice.sync.ChangeSink.Applied;
import dev.sluice.sync.ChangeSink.Commit;
import dev.sluice.sync.ChangeSink.CursorAdvance;
import dev.sluice.sync.DeletionMode;
import dev.sluice.sync.ObjectReader;
import dev.sluice.sync.Stored;
import dev.sluice.sync.rule.ObjectFold;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one path every change takes into the sink — a polled event, a pushed webhook, a re-read: the rule is decided
 * before the transaction, so every request it needs is made outside it, then applied again under the sink's locks.
 *
 * <p>What must stay true: no request is made while a transaction is open (a slow API never holds row locks); a tie
 * the rule cannot settle is settled by a copy fetched after every change of the batch, so that copy is newer than
 * all of them; an object is written with its nested lists complete; events already applied are dropped before any
 * request is spent on them, and again in the transaction (a concurrent writer may have applied them meanwhile).
 *
 * <p>Thread-safe: a webhook endpoint calls it from many request threads at once.
 */
public final class ChangeApplier {
    private final ChangeSink sink;
    private final ObjectReader reader;
    private final NestedLists nested;
    private final Requests nestedRequests;
    private final Requests rereadRequests;
    private final SyncStats stats;

    /**
     * @param reader         re-reads objects to settle ties, or null when no API client is at hand (ties then go to
     *                       the higher version, the later arrival on equal)
     * @param nestedRequests requests completing nested lists
     * @param rereadRequests requests re-reading objects
     */
    public ChangeApplier(ChangeSink sink, ObjectReader reader, NestedLists nested, Requests nestedRequests,
            Requests rereadRequests, SyncStats stats) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.reader = reader;
        this.nested = Objects.requireNonNull(nested, "nested");
        this.nestedRequests = Objects.requireNonNull(nestedRequests, "nestedRequests");
        this.rereadRequests = Objects.requireNonNull(rereadRequests, "rereadRequests");
        this.stats = Objects.requireNonNull(stats, "stats");
    }

    /**
     * Applies {@code changes} (oldest first) in one commit with {@code cursor} (null for none), re-reading and
     * completing objects first. The answer counts as duplicates the events found applied before the transaction
     * as well as in it.
     *
     * @throws FetchFailure when a re-read or a nested list could not be fetched; nothing is committed
     */
    public Applied apply(String namespace, DeletionMode deletes, List<Change> changes, CursorAdvance cursor)
            throws FetchFailure, InterruptedException {
        List<Change> fresh = withoutApplied(namespace, changes);
        int known = changes.size() - fresh.size();
        Map<String, List<Change>> byObject = new LinkedHashMap<>();
        for (Change c : fresh) {
            byObject.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
        }
        Map<String, Stored> stored = storedStates(namespace, byObject);
        Map<String, Change> rereads = new HashMap<>();
        Map<Change, Change> completed = new HashMap<>();
        for (Map.Entry<String, List<Change>> e : byObject.entrySet()) {
            List<Change> run = e.getValue();
            ObjectFold.Outcome outcome = ObjectFold.fold(stored.get(e.getKey()), run, null, reader != null);
            if (outcome.needsReread()) {
                Change first = run.get(0);
                Change copy = rereadRequests.send("GET " + first.stream() + "/" + first.id() + " (re-read)",
                        () -> reader.read(first.stream(), first.id()));
                stats.rereads.increment();
                rereads.put(e.getKey(), complete(copy));
            } else if (outcome.write() != null && !outcome.write().isDeletion()) {
                completed.put(outcome.write(), complete(outcome.write()));
            }
        }
        List<Change> toCommit = new ArrayList<>(fresh.size());
        for (Change c : fresh) {
            toCommit.add(completed.getOrDefault(c, c));
        }
        Applied applied = sink.apply(new Commit(namespace, deletes, toCommit, rereads, cursor));
        stats.applied.add(applied.applied());
        stats.skipped.add(applied.skipped());
        stats.duplicates.add(applied.duplicates());
        return new Applied(applied.applied(), applied.skipped(), applied.duplicates() + known);
    }

    private List<Change> withoutApplied(String namespace, List<Change> changes) {
        List<String> ids = new ArrayList<>();
        for (Change c : changes) {
            if (c.event() != null) {
                ids.add(c.event().id());
            }
        }
        if (ids.isEmpty()) {
            return changes;
        }
        Set<String> known = sink.applied(namespace, ids);
        if (known.isEmpty()) {
            return changes;
        }
        List<Change> fresh = new ArrayList<>(changes.size());
        for (Change c : changes) {
            if (c.event() != null && known.contains(c.event().id())) {
                stats.duplicates.increment();
            } else {
                fresh.add(c);
            }
        }
        return fresh;
    }

    private Map<String, Stored> storedStates(String namespace, Map<String, List<Change>> byObject) {
        Map<String, List<String>> idsByStream = new LinkedHashMap<>();
        for (List<Change> run : byObject.values()) {
            Change c = run.get(0);
            idsByStream.computeIfAbsent(c.stream(), s -> new ArrayList<>()).add(c.id());
        }
        Map<String, Stored> stored = new HashMap<>();
        for (Map.Entry<String, List<String>> e : idsByStream.entrySet()) {
            sink.stored(namespace, e.getKey(), e.getValue()).forEach((id, s) -> stored.put(e.getKey() + "/" + id, s));
        }
        return stored;
    }

    private Change complete(Change c) throws FetchFailure, InterruptedException {
        if (c.isDeletion()) {
            return c;
        }
        String json = nested.complete(c.stream(), c.id(), c.json(), nestedRequests);
        return json.equals(c.json()) ? c : c.withJson(json);
    }
}
