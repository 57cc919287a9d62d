package dev.sluice.sync;

import java.util.Locale;

/** How a namespace's tables keep a deleted object. Either way no older state brings it back. */
public enum DeletionMode {
    /** The row stays, {@code deleted = true}, with the last data known. */
    TOMBSTONE,
    /** The row goes; the deletion is remembered apart so no older event or list page restores it. */
    REMOVE;

    /** {@code tombstone} or {@code remove}, as the {@code --deletes} flag spells it. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code tombstone|remove}; the message names the flag. */
    public static DeletionMode parse(String text) {
        for (DeletionMode m : values()) {
            if (m.flag().equals(text)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--deletes must be tombstone or remove, was '" + text + "'");
    }
}
