package dev.sluice.sync.rule;

import dev.sluice.sync.Change;
import dev.sluice.sync.Change.Rank;
import dev.sluice.sync.Stored;

/**
 * The one rule that decides whether an incoming state of an object replaces the stored one — for list pages,
 * polled events, pushed events and re-reads alike. It reads no clock; its inputs are two points on the version
 * scale of {@link Change}.
 *
 * <ol>
 * <li>A deletion is final: a stored deletion is never overwritten, and an incoming deletion always applies.</li>
 * <li>An object the sink does not hold is applied.</li>
 * <li>A fetched copy against the stored state: the strictly newer version wins.</li>
 * <li>An event of second {@code S} against a stored version {@code V}: if {@code V} lies in an earlier second the
 * event applies, in a later second it is skipped. In the same second — a tie within the source's one-second
 * resolution — a creation is never newer than what is stored (skip); any other event cannot be placed, so the
 * object is re-read when an API client is at hand (the copy, fetched later, is newer than both), and without one
 * the higher number on the scale wins, the later arrival on equal.</li>
 * </ol>
 */
public final class VersionRule {
    /** What to do with an incoming change. */
    public enum Decision {
        /** It is newer than what is stored: write it. */
        APPLY,
        /** What is stored is as new or newer: leave it. */
        SKIP,
        /** The two cannot be ordered: fetch the object again and apply that copy. */
        REREAD
    }

    private VersionRule() {
    }

    /**
     * @param stored    what the sink holds for the object, or null when nothing
     * @param incoming  the change to decide on
     * @param canReread whether the caller can fetch the object again to settle a tie
     */
    public static Decision decide(Stored stored, Change incoming, boolean canReread) {
        if (stored == null) {
            return Decision.APPLY;
        }
        if (stored.deleted()) {
            return Decision.SKIP;
        }
        if (incoming.isDeletion()) {
            return Decision.APPLY;
        }
        if (incoming.event() == null) {
            return incoming.version() > stored.version() ? Decision.APPLY : Decision.SKIP;
        }
        long storedSecond = Math.floorDiv(stored.version(), 1000L);
        long second = incoming.event().second();
        if (storedSecond < second) {
            return Decision.APPLY;
        }
        if (storedSecond > second) {
            return Decision.SKIP;
        }
        if (incoming.event().rank() == Rank.CREATED) {
            return Decision.SKIP;
        }
        if (canReread) {
            return Decision.REREAD;
        }
        return incoming.version() >= stored.version() ? Decision.APPLY : Decision.SKIP;
    }
}
