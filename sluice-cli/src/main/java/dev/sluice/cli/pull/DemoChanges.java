package dev.sluice.cli.pull;

import dev.sluice.sim.stripe.StripeSimulator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * What the demo does to its simulated account after the backfill, for a few seconds: updates of random objects
 * (often several of one object in a second), creations, and deletions of customers — the changes a backfill alone
 * would never see.
 */
final class DemoChanges {
    /** How many of each kind were made. */
    record Made(int updates, int creations, int deletions, long lastChangeMillis) {
        int total() {
            return updates + creations + deletions;
        }
    }

    private DemoChanges() {
    }

    /** Makes about {@code perSecond} changes a second for {@code millis}, seeded. */
    static Made run(StripeSimulator sim, List<String> resources, double perSecond, long millis, long seed)
            throws InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        long start = System.currentTimeMillis();
        long gap = Math.max(1, Math.round(1000 / perSecond));
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
            Thread.sleep(gap); // pacing the demo's own changes, not waiting for a condition
        }
        return new Made(updates, creations, deletions, last);
    }
}
