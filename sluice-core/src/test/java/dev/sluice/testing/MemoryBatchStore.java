package dev.sluice.testing;

import dev.sluice.ingest.Batch;
import dev.sluice.ingest.BatchStore;
import dev.sluice.ingest.IndexRanges;
import dev.sluice.ingest.ItemRecord;
import dev.sluice.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A {@link BatchStore} in memory that keeps the interface's promises: a write stores all of its items or none, each
 * index once, and only while the batch is open ({@link Closed} otherwise); a seal succeeds once, when every index
 * is stored; expiry drops an open batch's items. Thread-safe: every change happens under one lock.
 *
 * <p>For engine tests: {@link #beforeEachWrite} runs a hook on the writer's thread before each write takes effect,
 * outside the lock, so a test can hold a write back to stage a race (a seal, an expiry) or check what is in the
 * object store at that moment; {@link #maxWritesInFlight}, {@link #writeSizes} and {@link #seals} tell what the
 * engine did.
 */
public final class MemoryBatchStore implements BatchStore {
    private final Clock clock;
    private final Map<String, Batch> batches = new LinkedHashMap<>();
    private final Map<String, TreeMap<Long, ItemRecord>> items = new HashMap<>();
    private final List<Integer> writeSizes = new ArrayList<>();
    private final AtomicInteger writesInFlight = new AtomicInteger();
    private final AtomicInteger maxWritesInFlight = new AtomicInteger();
    private volatile BiConsumer<String, List<ItemRecord>> beforeWrite = (id, group) -> { };
    private int nextId;
    private int seals;

    public MemoryBatchStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Runs {@code hook} before each non-empty write takes effect, on the writer's thread, outside the store's lock. */
    public void beforeEachWrite(BiConsumer<String, List<ItemRecord>> hook) {
        this.beforeWrite = Objects.requireNonNull(hook, "hook");
    }

    @Override
    public synchronized Created create(String owner, long expectedCount, String idempotencyKey, String metadataJson) {
        if (idempotencyKey != null) {
            for (Batch b : batches.values()) {
                if (b.owner().equals(owner) && idempotencyKey.equals(b.idempotencyKey())) {
                    return new Created(b, false);
                }
            }
        }
        Batch b = new Batch("batch_" + ++nextId, owner, expectedCount, idempotencyKey, metadataJson, now(),
                Batch.Status.OPEN, null);
        batches.put(b.id(), b);
        items.put(b.id(), new TreeMap<>());
        return new Created(b, true);
    }

    @Override
    public synchronized Optional<Batch> find(String id) {
        return Optional.ofNullable(batches.get(id));
    }

    @Override
    public WriteResult write(String batchId, List<ItemRecord> group) {
        if (group.isEmpty()) {
            return new Written(0, 0);
        }
        int inFlight = writesInFlight.incrementAndGet();
        maxWritesInFlight.accumulateAndGet(inFlight, Math::max);
        try {
            beforeWrite.accept(batchId, group);
            synchronized (this) {
                writeSizes.add(group.size());
                Batch b = batches.get(batchId);
                if (b == null) {
                    throw new IllegalArgumentException("no batch " + batchId);
                }
                if (b.status() != Batch.Status.OPEN) {
                    return new Closed(b.status());
                }
                for (ItemRecord r : group) {
                    if (r.index() >= b.expectedCount()) {
                        throw new IllegalArgumentException("index " + r.index() + " is out of range for batch "
                                + batchId + ": its indexes are 0 to " + (b.expectedCount() - 1));
                    }
                }
                TreeMap<Long, ItemRecord> stored = items.get(batchId);
                int accepted = 0;
                for (ItemRecord r : group) {
                    if (stored.putIfAbsent(r.index(), r) == null) {
                        accepted++;
                    }
                }
                return new Written(accepted, group.size() - accepted);
            }
        } finally {
            writesInFlight.decrementAndGet();
        }
    }

    @Override
    public synchronized Counts counts(String batchId) {
        TreeMap<Long, ItemRecord> stored = items.getOrDefault(batchId, new TreeMap<>());
        long failed = stored.values().stream().filter(ItemRecord::failed).count();
        return new Counts(stored.size() - failed, failed);
    }

    @Override
    public synchronized boolean trySeal(String batchId) {
        Batch b = batches.get(batchId);
        if (b == null || b.status() != Batch.Status.OPEN || items.get(batchId).size() != b.expectedCount()) {
            return false;
        }
        batches.put(batchId, with(b, Batch.Status.SEALED, now()));
        seals++;
        return true;
    }

    @Override
    public synchronized List<IndexRanges.Range> missing(String batchId, int limit) {
        Batch b = batches.get(batchId);
        if (b == null) {
            throw new IllegalArgumentException("no batch " + batchId);
        }
        IndexRanges present = new IndexRanges();
        items.get(batchId).keySet().forEach(present::add);
        return b.sealed() ? List.of() : present.missing(b.expectedCount(), limit);
    }

    @Override
    public synchronized List<ItemRecord> items(String batchId, long after, int limit) {
        return items.getOrDefault(batchId, new TreeMap<>()).tailMap(after, false).values().stream().limit(limit)
                .toList();
    }

    @Override
    public synchronized Expired expire(Instant createdBefore) {
        List<String> ids = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (Batch b : List.copyOf(batches.values())) {
            if (b.status() == Batch.Status.OPEN && b.createdAt().isBefore(createdBefore)) {
                ids.add(b.id());
                for (ItemRecord r : items.get(b.id()).values()) {
                    if (r.objectKey() != null) {
                        keys.add(r.objectKey());
                    }
                }
                items.get(b.id()).clear();
                batches.put(b.id(), with(b, Batch.Status.EXPIRED, null));
            }
        }
        return new Expired(ids, keys);
    }

    /** The most writes that were running at once. */
    public int maxWritesInFlight() {
        return maxWritesInFlight.get();
    }

    /** The size of every write that reached the store, in the order they took effect. */
    public synchronized List<Integer> writeSizes() {
        return List.copyOf(writeSizes);
    }

    /** How many calls of {@link #trySeal} sealed a batch. */
    public synchronized int seals() {
        return seals;
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.epochMillis());
    }

    private static Batch with(Batch b, Batch.Status status, Instant sealedAt) {
        return new Batch(b.id(), b.owner(), b.expectedCount(), b.idempotencyKey(), b.metadata(), b.createdAt(),
                status, sealedAt);
    }
}
