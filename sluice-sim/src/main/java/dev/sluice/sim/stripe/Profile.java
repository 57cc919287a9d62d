package dev.sluice.sim.stripe;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the simulator spreads {@code created} timestamps over {@code [accountCreated, now)}. Each shape stresses a
 * different part of a backfill planner: even spread, a recent bulge, narrow dense bursts, many objects inside one
 * second, and a long empty past.
 */
public enum Profile {
    /** Created uniform over the account's life. */
    UNIFORM,
    /** 80% in the last 30 days, 20% over the rest. */
    RECENT,
    /** Six two-hour spikes at seeded places hold 70% (equal shares), the rest uniform. */
    SPIKES,
    /** 80% uniform, 20% split equally over five single seconds at seeded places. */
    PILEUP,
    /** A ten-year-old account: 2% over everything but the last year, 98% in the last year. */
    SPARSE_OLD;

    /** The spelling used on the command line, e.g. {@code sparse-old}. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code uniform|recent|spikes|pileup|sparse-old} (case-insensitive). */
    public static Profile parse(String value) {
        for (Profile p : values()) {
            if (p.flagValue().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("--profile must be one of "
                + Arrays.stream(values()).map(Profile::flagValue).collect(Collectors.joining("|"))
                + ", was " + value);
    }
}
