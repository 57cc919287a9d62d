package dev.sluice.store.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Splits keys into chunks for {@code … IN (?, ?, …)} queries that stay within both databases' parameter limits. */
public final class InList {
    /** Keys per statement. */
    public static final int CHUNK = 500;

    private InList() {
    }

    public static List<List<String>> chunks(Collection<String> keys) {
        List<String> all = new ArrayList<>(keys);
        List<List<String>> out = new ArrayList<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            out.add(all.subList(from, Math.min(all.size(), from + CHUNK)));
        }
        return out;
    }

    /** {@code ?, ?, …} for {@code n} parameters. */
    public static String placeholders(int n) {
        return "?" + ", ?".repeat(Math.max(0, n - 1));
    }
}
