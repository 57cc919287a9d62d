package dev.sluice.cli.replay;

import dev.sluice.replay.govern.Mode;
import java.util.Locale;

/**
 * Where the replay's own CPU runs: {@link #IDLE}, taking only what nothing else on the machine wants (see
 * {@link dev.sluice.cli.IdlePriority}), or {@link #NORMAL}. {@code --mode background} defaults to idle, the other
 * modes to normal; {@code --cpu-priority} overrides the mode's default.
 */
public enum CpuPriority {
    IDLE, NORMAL;

    /**
     * The {@code --cpu-priority} value, or the mode's default when it is null or blank.
     *
     * @throws IllegalArgumentException naming the flag and its values
     */
    public static CpuPriority of(String flag, Mode mode) {
        if (flag == null || flag.isBlank()) {
            return mode == Mode.BACKGROUND ? IDLE : NORMAL;
        }
        return switch (flag.strip().toLowerCase(Locale.ROOT)) {
            case "idle" -> IDLE;
            case "normal" -> NORMAL;
            default -> throw new IllegalArgumentException("--cpu-priority must be idle or normal, was '" + flag + "'");
        };
    }

    /** The name as the flag spells it. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
