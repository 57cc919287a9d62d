package dev.sluice.sim.stripe.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the account alive while the simulator runs: a virtual thread adds {@code perSecond} objects to each data
 * resource per second, created at the current wall-clock second — the objects an incremental sync must pick up
 * next time. The count is paced against the start time, not accumulated per tick, so it does not drift.
 */
public final class LiveCreation implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveCreation.class);
    private static final long TICK_MILLIS = 50;

    private final Map<ResourceKind, ObjectIndex> indexes;
    private final List<ResourceKind> resources;
    private final double perSecond;
    private final long seed;
    private final Thread thread;

    public LiveCreation(long seed, Map<ResourceKind, ObjectIndex> indexes, List<ResourceKind> resources,
                        double perSecond) {
        this.seed = seed;
        this.indexes = indexes;
        this.resources = List.copyOf(resources);
        this.perSecond = perSecond;
        this.thread = Thread.ofVirtual().name("stripe-sim-create").unstarted(this::run);
    }

    public LiveCreation start() {
        thread.start();
        return this;
    }

    private void run() {
        LongSupplier clock = System::nanoTime;
        long startNanos = clock.getAsLong();
        long made = 0;
        SplittableRandom[] ids = new SplittableRandom[resources.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Seeds.random(seed, "live-ids/" + resources.get(i).path());
        }
        try {
            while (!Thread.currentThread().isInterrupted()) {
                double elapsed = (clock.getAsLong() - startNanos) / 1e9;
                long due = (long) Math.floor(elapsed * perSecond);
                for (; made < due; made++) {
                    long created = Instant.now().getEpochSecond();
                    for (int i = 0; i < ids.length; i++) {
                        ResourceKind kind = resources.get(i);
                        while (!indexes.get(kind).insert(new Entry(
                                Seeds.id(kind.idPrefix(), Population.ID_LENGTH, ids[i]), created))) {
                            // id taken: draw another
                        }
                    }
                }
                TimeUnit.MILLISECONDS.sleep(TICK_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("live object creation stopped", e);
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
