package dev.sluice.pull.run;

import dev.sluice.pull.Checkpoint;

/**
 * How one stream ended in a run.
 *
 * @param checkpoint the last committed checkpoint (done when {@code remaining} is empty)
 * @param objects    objects committed in this run
 * @param error      why the stream failed, or null
 * @param errorStatus the HTTP status of the answer that failed the stream (401: the key was refused), or 0 when it
 *                    did not fail or no answer came (the API could not be reached)
 */
public record StreamOutcome(String stream, Checkpoint checkpoint, long objects, String error, int errorStatus) {
    public boolean failed() {
        return error != null;
    }

    public boolean done() {
        return error == null && checkpoint.done();
    }
}
