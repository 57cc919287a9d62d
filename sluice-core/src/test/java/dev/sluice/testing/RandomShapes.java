package dev.sluice.testing;

import dev.sluice.testing.FakeListSource.Obj;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded accounts of unknown shape for planner tests: per stream, a size drawn log-uniform and a mixture drawn
 * from uniform stretches, dense months, spikes from a minute to days wide, single-second pileups and a sparse tail
 * before an empty past, inside an active era that may start decades after the range and end before it. The same
 * idea as the simulator's {@code ShapeGenerator} (which the core cannot depend on), smaller and tuned for tests that
 * run in milliseconds.
 */
public final class RandomShapes {
    private static final long DAY = 86_400;

    private RandomShapes() {
    }

    /** About {@code objects} objects (at least one per stream) in {@code [gte, lt)}, ids prefixed {@code prefix}. */
    public static List<Obj> stream(SplittableRandom r, String prefix, int objects, long gte, long lt) {
        long life = lt - gte;
        int n = Math.max(1, (int) (objects * Math.exp(r.nextDouble(-1.5, 1.0))));
        long eraStart = r.nextBoolean() ? gte : gte + (long) (life * r.nextDouble(0, 0.9));
        long eraEnd = r.nextDouble() < 0.2 ? lt - (long) ((lt - eraStart) * r.nextDouble(0.05, 0.5)) : lt;
        eraEnd = Math.max(eraEnd, eraStart + 2);
        List<Obj> out = new ArrayList<>(n);
        int part = 0;
        if (eraStart > gte && r.nextBoolean()) {
            out.addAll(FakeListSource.uniform(r, prefix + "t", Math.min(n / 10, 5 + r.nextInt(60)), gte, eraStart));
        }
        int components = 2 + r.nextInt(4);
        while (out.size() < n) {
            int left = n - out.size();
            int count = part == components - 1 ? left : Math.max(1, (int) (left * r.nextDouble(0.1, 0.7)));
            long era = eraEnd - eraStart;
            String p = prefix + (part++) + "_";
            switch (r.nextInt(4)) {
                case 0 -> out.addAll(FakeListSource.uniform(r, p, count, eraStart, eraEnd));
                case 1 -> {
                    long width = Math.min(era, (long) (7 * DAY * Math.exp(r.nextDouble() * Math.log(13))));
                    long at = eraStart + r.nextLong(Math.max(1, era - width + 1));
                    out.addAll(FakeListSource.uniform(r, p, count, at, at + Math.max(1, width)));
                }
                case 2 -> {
                    long width = Math.min(era, (long) (60 * Math.exp(r.nextDouble() * Math.log(3 * 1440))));
                    long at = eraStart + r.nextLong(Math.max(1, era - width + 1));
                    out.addAll(FakeListSource.uniform(r, p, count, at, at + Math.max(1, width)));
                }
                default -> {
                    long at = eraStart + r.nextLong(era);
                    out.addAll(FakeListSource.uniform(r, p, Math.min(count, 30 + r.nextInt(770)), at, at + 1));
                }
            }
        }
        return out;
    }
}
