package dev.sluice.pull;

import java.util.List;
import java.util.Optional;

/**
 * Where pulled records land, together with the checkpoints that cover them.
 *
 * <p>Duties of an implementation: {@link #commit} applies every write in one transaction — the upserts and the
 * checkpoints — or none of it. An upsert replaces a stored row only when the incoming {@code version} is newer, so
 * an older copy never overwrites a newer one. Calls come from one thread at a time.
 */
public interface RecordSink extends AutoCloseable {
    /** Creates the table for {@code namespace.stream} if it does not exist. */
    void prepare(String namespace, String stream);

    /** The committed checkpoint of {@code stream} in {@code job}, if any. */
    Optional<Checkpoint> checkpoint(String job, String stream);

    /** Applies all writes and their checkpoints for {@code job} atomically; every stream was {@link #prepare}d. */
    void commit(String job, List<StreamWrite> writes);

    /** Forgets the checkpoints of {@code job} (for {@code --restart}); the records stay. */
    void resetJob(String job);

    @Override
    void close();
}
