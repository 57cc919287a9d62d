package dev.sluice.sim.stripe.internal;

import dev.sluice.sim.stripe.RandomShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Draws the account of a {@link RandomShape}: its age, and per resource a share of the objects and a mixture of
 * spans ({@code count} objects uniform in {@code [gte, lt)}), from which {@link Population} draws the objects.
 *
 * <p>Per resource, independently: the share is log-uniform (one resource in ten is tiny, a page or two); the
 * resource may start years after the account (an empty past, up to decades) and may have stopped a while ago (an
 * empty recent stretch); inside that active era, two to five components of these kinds, with log-uniform weights:
 * uniform over the era, a recent ramp (density doubling step by step toward the era's end), dense months (a week to
 * three months), spikes whose width is log-uniform from a minute to three days, and single-second pileups of 30 to
 * 800 objects; and sometimes a sparse tail of a few dozen objects spread over the years before the era. The counts
 * are exact (largest remainder), so every shape holds exactly {@code objects} objects.
 */
public final class ShapeGenerator {
    private static final long DAY = 86_400;
    private static final long YEAR = 365 * DAY;

    /** What a shape drew: the account's creation, each resource's spans, and one line that says what it is. */
    public record Drawn(long accountCreated, Map<ResourceKind, List<DatasetFile.Span>> spans, String description) {
    }

    private ShapeGenerator() {
    }

    public static Drawn draw(long seed, RandomShape shape, int objects, List<ResourceKind> resources, long now) {
        SplittableRandom account = Seeds.random(seed, "shape/" + shape.index());
        // Half a year to twenty years, log-uniform: many young accounts, a few very old ones.
        long age = (long) (YEAR / 2 * Math.exp(account.nextDouble() * Math.log(40)));
        long start = now - age;
        double[] weights = new double[resources.size()];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Math.exp(account.nextDouble(-1.2, 1.2)) * (account.nextDouble() < 0.1 ? 0.02 : 1);
            total += weights[i];
        }
        long[] counts = apportion(objects, weights, total);
        Map<ResourceKind, List<DatasetFile.Span>> out = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%.1f y", age / (double) YEAR));
        for (int i = 0; i < resources.size(); i++) {
            ResourceKind kind = resources.get(i);
            SplittableRandom r = Seeds.random(seed, "shape/" + shape.index() + "/" + kind.path());
            List<String> parts = new ArrayList<>();
            out.put(kind, resource(r, counts[i], start, now, parts));
            text.append("; ").append(kind.path()).append(' ').append(counts[i]).append(": ")
                    .append(String.join(", ", parts));
        }
        return new Drawn(start, out, text.toString());
    }

    private static List<DatasetFile.Span> resource(SplittableRandom r, long count, long start, long now,
            List<String> parts) {
        long life = now - start;
        long eraStart = r.nextDouble() < 0.5 ? start : start + (long) (life * r.nextDouble(0.0, 0.9));
        long eraEnd = r.nextDouble() < 0.2 ? now - (long) ((now - eraStart) * r.nextDouble(0.05, 0.5)) : now;
        eraEnd = Math.max(eraEnd, eraStart + 2);
        List<DatasetFile.Span> shapes = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        long fixed = 0;
        List<DatasetFile.Span> exact = new ArrayList<>();
        if (eraStart - start > 30 * DAY && r.nextDouble() < 0.6) {
            long n = Math.min(count / 10, r.nextLong(5, 80));
            exact.add(new DatasetFile.Span(start, eraStart, n));
            fixed += n;
            parts.add(String.format(Locale.ROOT, "tail %d over %.1f y", n, (eraStart - start) / (double) YEAR));
        }
        int components = 2 + r.nextInt(4);
        for (int c = 0; c < components; c++) {
            double w = Math.exp(r.nextDouble(-2, 1));
            long era = eraEnd - eraStart;
            switch (r.nextInt(5)) {
                case 0 -> {
                    shapes.add(new DatasetFile.Span(eraStart, eraEnd, 0));
                    weights.add(w);
                    parts.add("uniform");
                }
                case 1 -> {
                    // density doubling over six steps toward the era's end, over one month to two years
                    long span = Math.min(era, (long) (30 * DAY * Math.exp(r.nextDouble() * Math.log(24))));
                    long step = Math.max(1, span / 6);
                    for (int k = 0; k < 6; k++) {
                        long lt = eraEnd - (5 - k) * step;
                        shapes.add(new DatasetFile.Span(Math.max(eraStart, lt - step), Math.max(lt, eraStart + 1), 0));
                        weights.add(w * (1 << k) / 63.0);
                    }
                    parts.add(String.format(Locale.ROOT, "ramp %.0f d", span / (double) DAY));
                }
                case 2 -> {
                    long width = Math.min(era, (long) (7 * DAY * Math.exp(r.nextDouble() * Math.log(13))));
                    long at = eraStart + r.nextLong(Math.max(1, era - width + 1));
                    shapes.add(new DatasetFile.Span(at, at + Math.max(1, width), 0));
                    weights.add(w);
                    parts.add(String.format(Locale.ROOT, "month %.0f d", width / (double) DAY));
                }
                case 3 -> {
                    int spikes = 1 + r.nextInt(6);
                    for (int k = 0; k < spikes; k++) {
                        long width = Math.min(era, (long) (60 * Math.exp(r.nextDouble() * Math.log(3 * 1440))));
                        long at = eraStart + r.nextLong(Math.max(1, era - width + 1));
                        shapes.add(new DatasetFile.Span(at, at + Math.max(1, width), 0));
                        weights.add(w / spikes);
                    }
                    parts.add(spikes + " spikes");
                }
                default -> {
                    int seconds = 1 + r.nextInt(4);
                    for (int k = 0; k < seconds && fixed < count / 2; k++) {
                        long n = Math.min(count / 2 - fixed, r.nextLong(30, 800));
                        long at = eraStart + r.nextLong(Math.max(1, eraEnd - eraStart));
                        exact.add(new DatasetFile.Span(at, at + 1, n));
                        fixed += n;
                    }
                    parts.add(seconds + " pileups");
                }
            }
        }
        if (shapes.isEmpty()) {
            // pileups alone hold at most half: the rest spreads over the era
            shapes.add(new DatasetFile.Span(eraStart, eraEnd, 0));
            weights.add(1.0);
            parts.add("uniform");
        }
        double total = weights.stream().mapToDouble(Double::doubleValue).sum();
        double[] w = weights.stream().mapToDouble(Double::doubleValue).toArray();
        long[] n = apportion(count - fixed, w, total);
        List<DatasetFile.Span> spans = new ArrayList<>(exact);
        for (int i = 0; i < shapes.size(); i++) {
            DatasetFile.Span s = shapes.get(i);
            if (n[i] > 0) {
                spans.add(new DatasetFile.Span(s.gte(), s.lt(), n[i]));
            }
        }
        return spans;
    }

    /** {@code total} split by {@code weights} exactly: floors, then the largest remainders get one more. */
    static long[] apportion(long total, double[] weights, double sum) {
        long[] out = new long[weights.length];
        if (weights.length == 0) {
            return out;
        }
        double[] rest = new double[weights.length];
        long given = 0;
        for (int i = 0; i < weights.length; i++) {
            double exact = total * weights[i] / sum;
            out[i] = (long) Math.floor(exact);
            rest[i] = exact - out[i];
            given += out[i];
        }
        for (long left = total - given; left > 0; left--) {
            int best = 0;
            for (int i = 1; i < rest.length; i++) {
                if (rest[i] > rest[best]) {
                    best = i;
                }
            }
            out[best]++;
            rest[best] = -1;
        }
        return out;
    }
}
