package dev.sluice.cli.sim;

import dev.sluice.sim.stripe.StripeSimulator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Changes a simulated account at a steady pace, from the caller's thread, for the demo and the sync bench: updates of
 * random objects (several of one object in a second now and then), creations, and deletions of customers — the
 * changes a backfill alone would never see. One in ten changes is a creation, one in ten a deletion.
 */
public final class ChangeBurst {
    /** How many of each kind were made, and when the last one was. */
    public record Made(int updates, int creations, int deletions, long lastChangeMillis) {
        public int total() {
            return updates + creations + deletions;
        }
    }

    private ChangeBurst() {
    }

    /** Makes about {@code perSecond} changes a second for {@code millis}, seeded. */
    public static Made run(StripeSimulator sim, List<String> resources, double perSecond, long millis, long seed)
            throws InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        long start = System.currentTimeMillis();
        int updates = 0;
        int creations = 0;
        int deletions = 0;
        long last = start;
        while (System.currentTimeMillis() - start < millis) {
            String resource = resources.get(random.nextInt(resources.size()));
            int dice = random.nextInt(20);
            try {
                if (dice < 2) {
                    sim.delete(null, "customers", null);
                    deletions++;
                } else if (dice < 4) {
                    sim.create(null, resource);
                    creations++;
                } else {
                    sim.update(null, resource, null);
                    updates++;
                }
                last = System.currentTimeMillis();
            } catch (NoSuchElementException | IllegalStateException e) {
                // nothing of that kind left to change: the next dice decide again
            }
            long due = start + Math.round((updates + creations + deletions + 1) * 1000 / perSecond);
            Thread.sleep(Math.max(0, due - System.currentTimeMillis())); // pacing the changes, not awaiting a condition
        }
        return new Made(updates, creations, deletions, last);
    }
}
