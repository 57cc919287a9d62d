package dev.sluice.sim.stripe;

import java.util.List;
import java.util.Map;

/**
 * One list request as the simulator saw it.
 *
 * @param resource     the path segment after {@code /v1/}, e.g. {@code customers} (also for unknown resources)
 * @param params       the decoded query parameters (first value wins when a name repeats)
 * @param status       the HTTP status sent; {@code 0} for a hang, which sends nothing
 * @param ids          the ids in the page, newest first; empty unless the status is 200. For {@link Fault#TRUNCATE}
 *                     these are the ids the cut body would have carried, which the client never received whole.
 * @param arrivalNanos {@link System#nanoTime()} when the request arrived
 * @param fault        what the simulator injected, {@link Fault#NONE} for a plain answer
 */
public record ServedRequest(String resource, Map<String, String> params, int status, List<String> ids,
                            long arrivalNanos, Fault fault) {

    public ServedRequest {
        params = Map.copyOf(params);
        ids = List.copyOf(ids);
    }
}
