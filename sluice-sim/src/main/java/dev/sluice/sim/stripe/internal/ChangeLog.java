package dev.sluice.sim.stripe.internal;

import dev.sluice.sim.stripe.Change;
import dev.sluice.sim.stripe.ChangeKind;
import java.util.ArrayList;
import java.util.List;

/** Every change made, oldest first, kept as long as events are (the retention), for {@code /_sim/changes}. */
public final class ChangeLog {

    private final ArrayList<Change> changes = new ArrayList<>();
    private long sequence;

    /** Stamps and records a change; returns it with its sequence. */
    public synchronized Change add(String account, ResourceKind kind, String objectId,
                                   ChangeKind what, EventRecord event, long atMillis) {
        Change c = new Change(++sequence, account, kind.path(), objectId, what, event.id(), event.type(), atMillis);
        changes.add(c);
        return c;
    }

    /** Changes with a sequence above {@code after} (0 for all kept). */
    public synchronized List<Change> since(long after) {
        int from = Paging.firstAtLeast(changes.size(), i -> changes.get(i).sequence(), after + 1);
        return List.copyOf(changes.subList(from, changes.size()));
    }

    /** Forgets changes made before {@code oldestMillis}. */
    public synchronized void expire(long oldestMillis) {
        int n = 0;
        while (n < changes.size() && changes.get(n).atMillis() < oldestMillis) {
            n++;
        }
        changes.subList(0, n).clear();
    }
}
