package dev.sluice.store;

/** The check both sinks make of a job name: their checkpoints are keyed by it. */
final class JobNames {
    private JobNames() {
    }

    /** {@code job} if it names a job. */
    static String require(String job) {
        if (job == null || job.isBlank()) {
            throw new IllegalArgumentException("job name must not be blank, was '" + job + "'");
        }
        return job;
    }
}
