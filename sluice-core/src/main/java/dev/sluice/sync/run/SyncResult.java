package dev.sluice.sync.run;

import dev.sluice.sync.rule.StartRule;
import java.util.List;

/**
 * How a sync run ended.
 *
 * @param steps             what it did, in order (backfills and catch-ups)
 * @param backfillsComplete false when a backfill it ran stopped or had a failed stream (a re-run resumes it)
 * @param stopped           it was stopped (Ctrl-C) after a commit
 */
public record SyncResult(String job, List<StartRule.Kind> steps, SyncStats.Snapshot stats, boolean backfillsComplete,
        boolean stopped) {
    public SyncResult {
        steps = List.copyOf(steps);
    }

    /** Caught up (or stopped cleanly while following) with every backfill complete. */
    public boolean complete() {
        return backfillsComplete;
    }
}
