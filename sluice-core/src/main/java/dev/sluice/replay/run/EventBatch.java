package dev.sluice.replay.run;

import dev.sluice.replay.Event;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Events in arrival order that commit together, with what the coordinator needs to know about them: their record
 * keys (for key exclusion) and the bytes each took from the in-flight budget (given back when the batch commits).
 */
final class EventBatch {
    private final List<Event> events = new ArrayList<>();
    private final List<Integer> budgets = new ArrayList<>();
    private final List<String> keys = new ArrayList<>(); // per event: its record key, or null; made once
    private final Set<String> recordKeys = new HashSet<>();
    private long bytes;
    private int budgeted;
    private long firstUs = Long.MAX_VALUE;
    long sequence = -1;

    /** Adds {@code e}, which took {@code budgetedBytes} from the in-flight budget. */
    void add(Event e, int budgetedBytes) {
        add(e, budgetedBytes, e.kind() == Event.Kind.COMMIT ? recordKey(e) : null);
    }

    private void add(Event e, int budgetedBytes, String key) {
        events.add(e);
        keys.add(key);
        budgets.add(budgetedBytes);
        budgeted += budgetedBytes;
        bytes += e.sizeBytes();
        firstUs = Math.min(firstUs, e.timeUs());
        if (key != null) {
            recordKeys.add(key);
        }
    }

    static String recordKey(Event e) {
        Event.Commit c = e.commit();
        return e.did() + '\u0000' + c.collection() + '\u0000' + c.rkey();
    }

    /**
     * Splits off the events whose record key {@code held} says must wait: they stay in this batch, the rest move,
     * in order, to the returned one.
     */
    EventBatch takeAllBut(Predicate<String> held) {
        EventBatch ready = new EventBatch();
        EventBatch kept = new EventBatch();
        for (int i = 0; i < events.size(); i++) {
            String key = keys.get(i);
            (key != null && held.test(key) ? kept : ready).add(events.get(i), budgets.get(i), key);
        }
        events.clear();
        budgets.clear();
        keys.clear();
        recordKeys.clear();
        bytes = 0;
        budgeted = 0;
        firstUs = Long.MAX_VALUE;
        for (int i = 0; i < kept.events.size(); i++) {
            add(kept.events.get(i), kept.budgets.get(i), kept.keys.get(i));
        }
        return ready;
    }

    List<Event> events() {
        return events;
    }

    Set<String> recordKeys() {
        return recordKeys;
    }

    int size() {
        return events.size();
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    int budgeted() {
        return budgeted;
    }

    long bytes() {
        return bytes;
    }

    /** The lowest {@code time_us} in the batch (events held back from an earlier batch may precede the rest). */
    long firstUs() {
        return firstUs;
    }

    long lastUs() {
        return events.getLast().timeUs();
    }
}
