package dev.sluice.sync.rule;

import dev.sluice.sync.Change;
import dev.sluice.sync.Stored;
import dev.sluice.sync.rule.VersionRule.Decision;
import java.util.Comparator;
import java.util.List;

/**
 * What a run of changes of one object, oldest first, does to its stored state: the {@link VersionRule} applied to
 * each in turn against the state the ones before it left. A sink folds under its row locks; a runner folds first,
 * without locks, to learn which objects need a re-read before it opens the transaction.
 */
public final class ObjectFold {
    /**
     * @param write        the state to write, or null when the stored one stays
     * @param applied      changes that replaced the state before them
     * @param skipped      changes that were not newer
     * @param needsReread  some change tied with the state before it and asks for a re-read (never when a re-read
     *                     copy was given, or when re-reading is not possible)
     */
    public record Outcome(Change write, int applied, int skipped, boolean needsReread) {
    }

    private ObjectFold() {
    }

    /**
     * @param stored    what the sink holds, or null
     * @param changes   the object's changes, oldest first (see {@link #ORDER})
     * @param reread    a copy fetched after every change in {@code changes}, or null; it is applied last, as a copy
     * @param canReread whether a tie may ask for a re-read (ignored when {@code reread} is given)
     */
    public static Outcome fold(Stored stored, List<Change> changes, Change reread, boolean canReread) {
        Stored state = stored;
        Change write = null;
        int applied = 0;
        int skipped = 0;
        boolean needsReread = false;
        for (Change c : changes) {
            Decision d = VersionRule.decide(state, c, canReread && reread == null);
            switch (d) {
                case APPLY -> {
                    state = Stored.of(c);
                    write = c;
                    applied++;
                }
                case SKIP -> skipped++;
                case REREAD -> needsReread = true;
            }
        }
        if (reread != null && VersionRule.decide(state, reread, false) == Decision.APPLY) {
            write = reread;
        }
        return new Outcome(write, applied, skipped, needsReread);
    }

    /** Oldest first: by second (version), then by the type's rank within the second, which the version holds. */
    public static final Comparator<Change> ORDER = Comparator.comparingLong(Change::version);
}
