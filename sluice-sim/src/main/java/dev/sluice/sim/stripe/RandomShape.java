package dev.sluice.sim.stripe;

import java.util.ArrayList;
import java.util.List;

/**
 * One account drawn from the generator of mixtures ({@code --profile random:K}): shape {@code K} of the
 * simulator's seed. Unlike a {@link Profile}, whose skew is fixed and which a planner can be tuned on, each shape
 * is a different mixture per resource — a sparse tail over the account's early years, dense months, spikes of
 * every width from a minute to days, single seconds holding hundreds of objects, empty decades — with different
 * sizes per resource. The same seed and index give the same account; see
 * {@code dev.sluice.sim.stripe.internal.ShapeGenerator} for the mixture.
 *
 * @param index which shape of the seed's sequence, {@code >= 0}
 */
public record RandomShape(int index) {
    private static final String PREFIX = "random:";

    public RandomShape {
        if (index < 0) {
            throw new IllegalArgumentException("random:K needs K >= 0, was " + index);
        }
    }

    /** {@code random:K}, as {@code --profile} spells it. */
    public String flagValue() {
        return PREFIX + index;
    }

    /** Whether {@code value} names a random shape ({@code random:K}) rather than a {@link Profile}. */
    public static boolean names(String value) {
        return value != null && value.trim().startsWith(PREFIX);
    }

    /** Parses {@code random:K}. */
    public static RandomShape parse(String value) {
        String v = value == null ? "" : value.trim();
        if (!v.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a random shape is written random:K (K >= 0), was '" + value + "'");
        }
        try {
            return new RandomShape(Integer.parseInt(v.substring(PREFIX.length())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a random shape is written random:K (K >= 0), was '" + value + "'");
        }
    }

    /** Shapes {@code 0 .. n-1}. */
    public static List<RandomShape> first(int n) {
        List<RandomShape> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new RandomShape(i));
        }
        return out;
    }
}
