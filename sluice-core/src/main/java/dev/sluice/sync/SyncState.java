package dev.sluice.sync;

import java.util.List;
import java.util.Objects;

/**
 * Where the sync of one job and one source account stands, as committed.
 *
 * @param job                   the job's name
 * @param account               the source account ({@code acct_…}), or {@code ""} for the API key's own account
 * @param namespace             where the job's tables live
 * @param cursor                every event created before this second is applied (to the {@code streams})
 * @param phase                 whether a backfill of {@code backfilling} is under way, or events are being followed
 * @param streams               the streams whose events the cursor covers
 * @param backfilling           the streams of the backfill under way (empty in {@link Phase#EVENTS})
 * @param backfillStartedMillis when that backfill began; rows of its streams written before then and not listed
 *                              again by it are deletions once it completes
 */
public record SyncState(String job, String account, String namespace, long cursor, Phase phase,
        List<String> streams, List<String> backfilling, long backfillStartedMillis) {
    /** What a job's sync is doing. */
    public enum Phase {
        BACKFILL, EVENTS
    }

    public SyncState {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(phase, "phase");
        streams = List.copyOf(streams);
        backfilling = List.copyOf(backfilling);
    }
}
