package dev.sluice.replay.govern;

/**
 * What the replay optimises for; one choice instead of the old tool's six knobs.
 *
 * <ul>
 *   <li>{@link #BACKGROUND} (the default): keep the database's foreground latency within a tight budget of its idle
 *       baseline, and take whatever throughput that leaves.</li>
 *   <li>{@link #BALANCED}: the same with a looser budget.</li>
 *   <li>{@link #FAST}: take all the database gives; the foreground signal is shown but never acted on.</li>
 *   <li>{@link #FIXED}: the old tool's fixed profile (batch 5, a 2 s delay between batches, 2 concurrent, about
 *       2.5 events/s), kept as a baseline to measure against ({@code --throttle fixed}).</li>
 * </ul>
 */
public enum Mode {
    BACKGROUND, BALANCED, FAST, FIXED;

    /** Whether the outer loop judges the foreground signal and moves the rate. */
    public boolean watchesForeground() {
        return this == BACKGROUND || this == BALANCED;
    }

    /** Whether batch size and concurrency adapt to the sink's commit latency. */
    public boolean adaptive() {
        return this != FIXED;
    }

    /** The name as the CLI spells it ({@code --mode background}). */
    public String flagValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses a {@code --mode} (or {@code --throttle}) value, case-insensitively.
     *
     * @throws IllegalArgumentException naming the flag and the accepted values
     */
    public static Mode parse(String text) {
        if (text != null) {
            for (Mode m : values()) {
                if (m.flagValue().equalsIgnoreCase(text.strip())) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("--mode must be one of background, balanced, fast, fixed; was '"
                + text + "'");
    }
}
