package dev.sluice.sim.stripe.internal;

import dev.sluice.sim.stripe.Profile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Generates the initial objects: {@code created} per {@link Profile} over {@code [accountCreated, now)}, then ids
 * drawn independently, so id order says nothing about created order. Counts per part of a profile are exact
 * (rounded shares, not coin flips), so a profile's skew holds for any object count.
 */
public final class Population {

    public static final int ID_LENGTH = 14;
    private static final long DAY = 86_400;
    private static final long SPIKE_WIDTH = 2 * 3_600;
    private static final int SPIKES = 6;
    private static final int PILEUP_SECONDS = 5;

    private Population() {
    }

    /** {@code objects} split equally over {@code resources}, the remainder to the first. */
    public static Map<ResourceKind, List<Entry>> generate(long seed, Profile profile, int objects,
                                                         List<ResourceKind> resources, long accountCreated, long now) {
        return generate(seed, profile, objects, resources, accountCreated, now, new HashSet<>());
    }

    /** As above; {@code taken} holds ids other accounts use (and receives these), so ids are unique across all. */
    public static Map<ResourceKind, List<Entry>> generate(long seed, Profile profile, int objects,
                                                         List<ResourceKind> resources, long accountCreated, long now,
                                                         Set<String> taken) {
        if (now <= accountCreated) {
            throw new IllegalArgumentException("now must be after accountCreated");
        }
        Map<ResourceKind, List<Entry>> out = new LinkedHashMap<>();
        int share = resources.isEmpty() ? 0 : objects / resources.size();
        int remainder = resources.isEmpty() ? 0 : objects % resources.size();
        for (int i = 0; i < resources.size(); i++) {
            ResourceKind kind = resources.get(i);
            int count = share + (i == 0 ? remainder : 0);
            SplittableRandom random = Seeds.random(seed, "created/" + kind.path());
            long[] created = created(seed, profile, count, accountCreated, now, random);
            out.put(kind, withIds(seed, kind, created, taken));
        }
        return out;
    }

    /** Objects for explicit spans: {@code count} objects uniform in {@code [gte, lt)} per span. */
    public static Map<ResourceKind, List<Entry>> generate(long seed, Map<ResourceKind, List<DatasetFile.Span>> spans) {
        return generate(seed, spans, new HashSet<>());
    }

    /** As above, with ids unique against (and added to) {@code taken}. */
    public static Map<ResourceKind, List<Entry>> generate(long seed, Map<ResourceKind, List<DatasetFile.Span>> spans,
                                                         Set<String> taken) {
        Map<ResourceKind, List<Entry>> out = new LinkedHashMap<>();
        for (var e : spans.entrySet()) {
            SplittableRandom random = Seeds.random(seed, "created/" + e.getKey().path());
            long total = e.getValue().stream().mapToLong(DatasetFile.Span::count).sum();
            long[] created = new long[Math.toIntExact(total)];
            int at = 0;
            for (DatasetFile.Span span : e.getValue()) {
                at = uniform(created, at, span.count(), span.gte(), span.lt(), random);
            }
            out.put(e.getKey(), withIds(seed, e.getKey(), created, taken));
        }
        return out;
    }

    static long[] created(long seed, Profile profile, int count, long start, long end, SplittableRandom random) {
        long[] c = new long[count];
        switch (profile) {
            case UNIFORM -> uniform(c, 0, count, start, end, random);
            case RECENT -> {
                long recent = Math.max(start, end - 30 * DAY);
                int old = recent == start ? 0 : share(count, 0.20);
                int at = uniform(c, 0, old, start, recent, random);
                uniform(c, at, count - old, recent, end, random);
            }
            case SPIKES -> {
                SplittableRandom places = Seeds.random(seed, "spikes");
                int inSpikes = share(count, 0.70);
                int at = 0;
                for (int s = 0; s < SPIKES; s++) {
                    long from = start + places.nextLong(Math.max(1, end - start - SPIKE_WIDTH));
                    long to = Math.min(end, from + SPIKE_WIDTH);
                    int n = inSpikes / SPIKES + (s < inSpikes % SPIKES ? 1 : 0);
                    at = uniform(c, at, n, from, to, random);
                }
                uniform(c, at, count - inSpikes, start, end, random);
            }
            case PILEUP -> {
                SplittableRandom places = Seeds.random(seed, "pileup");
                int piled = share(count, 0.20);
                int at = 0;
                for (int s = 0; s < PILEUP_SECONDS; s++) {
                    long second = start + places.nextLong(end - start);
                    int n = piled / PILEUP_SECONDS + (s < piled % PILEUP_SECONDS ? 1 : 0);
                    at = uniform(c, at, n, second, second + 1, random);
                }
                uniform(c, at, count - piled, start, end, random);
            }
            case SPARSE_OLD -> {
                long lastYear = Math.max(start, end - 365 * DAY);
                int old = lastYear == start ? 0 : share(count, 0.02);
                int at = uniform(c, 0, old, start, lastYear, random);
                uniform(c, at, count - old, lastYear, end, random);
            }
        }
        return c;
    }

    private static int share(int count, double fraction) {
        return (int) Math.round(count * fraction);
    }

    private static int uniform(long[] into, int at, long n, long gte, long lt, SplittableRandom random) {
        for (long i = 0; i < n; i++) {
            into[at++] = gte + random.nextLong(lt - gte);
        }
        return at;
    }

    private static List<Entry> withIds(long seed, ResourceKind kind, long[] created, Set<String> taken) {
        // Ids come from their own stream and are assigned in created order, so they are independent of it.
        Arrays.sort(created);
        SplittableRandom random = Seeds.random(seed, "ids/" + kind.path());
        List<Entry> entries = new ArrayList<>(created.length);
        for (long c : created) {
            String id;
            do {
                id = Seeds.id(kind.idPrefix(), ID_LENGTH, random);
            } while (!taken.add(id));
            String status = Lifecycle.initialStatus(kind, Seeds.random(seed, "status/" + id));
            entries.add(new Entry(id, c, Revision.initial(status)));
        }
        return entries;
    }
}
