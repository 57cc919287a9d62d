package dev.sluice.pull.run;

import dev.sluice.pull.Checkpoint;

/**
 * How one stream ended in a run.
 *
 * @param checkpoint the last committed checkpoint (done when {@code remaining} is empty)
 * @param objects    objects committed in this run
 * @param error      why the stream failed, or null
 */
public record StreamOutcome(String stream, Checkpoint checkpoint, long objects, String error) {
    public boolean failed() {
        return error != null;
    }

    public boolean done() {
        return error == null && checkpoint.done();
    }
}
