package dev.sluice.cli.bench;

import java.util.List;

/**
 * What one backfill of the bench matrix measured: one profile, one planner, a fresh simulator and a fresh sink.
 *
 * @param profile                  the data profile (or {@code dataset:<file>}) the simulator held
 * @param planner                  {@code adaptive}, {@code fixed} or {@code sequential}
 * @param seconds                  the engine's own duration of the backfill (probe to last commit)
 * @param requests                 requests the engine sent, retries included
 * @param wastedRequests           requests that brought no new object (the engine's {@code wasted} counter)
 * @param http429                  429 answers, as counted by the simulator
 * @param maxRequestsInAny1sWindow the simulator's exact maximum of arrivals in any one-second window
 * @param pagesMin                 the fewest pages any client needs: Σ ceil(objects of a resource / 100)
 * @param boundSeconds             {@code pagesMin / rps}, the shortest possible run at the real rate limit
 * @param complete                 the engine finished and the sink's digest equals the source's for every resource
 * @param peakHeapMb               the largest used heap of this JVM sampled during the run (simulator included)
 * @param failure                  why the run is not complete, or {@code null}
 * @param requestsPerSecond        requests arriving at the simulator in each second since the run started
 * @param partialPages             pages that brought some new objects but less than a full page (one per resource
 *                                 is unavoidable and counted in {@code pagesMin})
 * @param segments                 segments the engine read from, probes and splits included
 */
public record BenchRun(String profile, String planner, double seconds, long requests, long wastedRequests,
        long http429, long maxRequestsInAny1sWindow, long pagesMin, double boundSeconds, boolean complete,
        double peakHeapMb, String failure, List<Integer> requestsPerSecond, long partialPages, long segments) {

    public BenchRun {
        requestsPerSecond = List.copyOf(requestsPerSecond);
    }

    /** {@code boundSeconds / seconds}: 1.0 is a run at the rate limit with no request to spare. */
    public double efficiency() {
        return seconds <= 0 ? 0 : boundSeconds / seconds;
    }

    /** {@code requests / pagesMin}: 1.0 sends no request a perfect planner would not. */
    public double requestRatio() {
        return pagesMin <= 0 ? 0 : (double) requests / pagesMin;
    }

    /** The share of requests that were answered 429. */
    public double http429Share() {
        return requests <= 0 ? 0 : (double) http429 / requests;
    }

    /** {@code profile/planner}, how a run is named in messages. */
    public String name() {
        return profile + "/" + planner;
    }
}
