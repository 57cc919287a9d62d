package dev.sluice.testing;

import dev.sluice.pull.ListSource;
import dev.sluice.pull.Page;
import dev.sluice.pull.PageRequest;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.SourceRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory list API with Stripe's paging semantics (created DESC, id DESC; {@code starting_after} is the id of
 * the last object seen) and optional injected faults. For engine tests that need no HTTP.
 */
public final class FakeListSource implements ListSource {
    /** An object: id and creation second. */
    public record Obj(String id, long created) {
    }

    private static final Comparator<Obj> LIST_ORDER =
            Comparator.comparingLong(Obj::created).reversed().thenComparing(Obj::id, Comparator.reverseOrder());

    private final Map<String, List<Obj>> streams = new HashMap<>();
    private final Map<String, Map<String, Obj>> byId = new HashMap<>();
    private final SplittableRandom faultRandom;
    private double throttleRate;
    private double serverErrorRate;
    private double transportRate;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong emptyPages = new AtomicLong();
    private final Map<String, Integer> served = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();
    private volatile String refuseStream;

    public FakeListSource(long faultSeed) {
        this.faultRandom = new SplittableRandom(faultSeed);
    }

    public FakeListSource add(String stream, List<Obj> objects) {
        List<Obj> sorted = new ArrayList<>(objects);
        sorted.sort(LIST_ORDER);
        streams.put(stream, Collections.unmodifiableList(sorted));
        Map<String, Obj> ids = new HashMap<>();
        for (Obj o : sorted) {
            if (ids.put(o.id(), o) != null) {
                throw new IllegalArgumentException("duplicate id " + o.id());
            }
        }
        byId.put(stream, ids);
        return this;
    }

    /** Random objects: {@code count} with created uniform in [gte, lt), ids in an order unrelated to created. */
    public static List<Obj> uniform(SplittableRandom random, String prefix, int count, long gte, long lt) {
        List<Obj> out = new ArrayList<>(count);
        Set<String> seen = new HashSet<>();
        while (out.size() < count) {
            String id = prefix + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
            if (seen.add(id)) {
                out.add(new Obj(id, gte + random.nextLong(lt - gte)));
            }
        }
        return out;
    }

    public FakeListSource faults(double throttle, double serverError, double transport) {
        this.throttleRate = throttle;
        this.serverErrorRate = serverError;
        this.transportRate = transport;
        return this;
    }

    /** Every request for {@code stream} is answered 400 from now on. */
    public FakeListSource refuse(String stream) {
        this.refuseStream = stream;
        return this;
    }

    @Override
    public Page fetch(PageRequest r) throws SourceException {
        requests.incrementAndGet();
        if (r.stream().equals(refuseStream)) {
            throw new SourceException(SourceException.Kind.CLIENT_ERROR, 400, "Invalid request for " + r.stream());
        }
        double roll;
        synchronized (faultRandom) {
            roll = faultRandom.nextDouble();
        }
        if (roll < throttleRate) {
            throw new SourceException(SourceException.Kind.RATE_LIMITED, 429, "rate limited", Duration.ofMillis(100), null);
        }
        if (roll < throttleRate + serverErrorRate) {
            throw new SourceException(SourceException.Kind.SERVER_ERROR, 500, "boom");
        }
        if (roll < throttleRate + serverErrorRate + transportRate) {
            throw new SourceException(SourceException.Kind.TRANSPORT, 0, "connection dropped");
        }
        List<Obj> all = streams.getOrDefault(r.stream(), List.of());
        int start = 0;
        if (r.startingAfter() != null) {
            Obj after = byId.get(r.stream()).get(r.startingAfter());
            if (after == null) {
                throw new SourceException(SourceException.Kind.CLIENT_ERROR, 404, "No such object: " + r.startingAfter());
            }
            start = Collections.binarySearch(all, after, LIST_ORDER) + 1;
        }
        List<SourceRecord> items = new ArrayList<>(r.limit());
        boolean more = false;
        long v = version.incrementAndGet();
        for (int i = start; i < all.size(); i++) {
            Obj o = all.get(i);
            if (o.created() >= r.range().lt()) {
                continue;
            }
            if (o.created() < r.range().gte()) {
                break;
            }
            if (items.size() == r.limit()) {
                more = true;
                break;
            }
            items.add(new SourceRecord(o.id(), o.created(), v, "{\"id\":\"" + o.id() + "\",\"created\":" + o.created() + "}"));
            served.merge(o.id(), 1, Integer::sum);
        }
        if (items.isEmpty()) {
            emptyPages.incrementAndGet();
        }
        return new Page(items, more);
    }

    public long requests() {
        return requests.get();
    }

    public long emptyPages() {
        return emptyPages.get();
    }

    /** How many times each object was served. */
    public Map<String, Integer> served() {
        return served;
    }

    /** The ids of {@code stream} with created in [gte, lt). */
    public Set<String> ids(String stream, long gte, long lt) {
        Set<String> out = new HashSet<>();
        for (Obj o : streams.getOrDefault(stream, List.of())) {
            if (o.created() >= gte && o.created() < lt) {
                out.add(o.id());
            }
        }
        return out;
    }
}
