package dev.sluice.pull.plan;

import dev.sluice.pull.Page;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Decides where a stream's range is cut into segments; the runner decides who fetches them and when. A planner
 * holds no I/O and no clock: it sees segments and pages and answers, so its tests are plain function calls.
 */
public interface SegmentPlanner {

    /** The planner's name as {@code --planner} spells it. */
    String name();

    /**
     * Called once per fresh stream with the answer to its probe (the first page over the whole range). Returns
     * {@code null} to keep reading with the probe segment (the page is applied as usual), or the segments that
     * replace it (the probe page is then dropped, its objects read again by them).
     */
    List<Segment> afterProbe(Segment probe, Page page, SegmentIds ids);

    /**
     * Called when a worker is idle and no segment waits to be fetched: returns a new segment split off one of the
     * live {@code segments}, or empty when nothing is worth splitting. {@code streamDensity} gives each stream's
     * objects per second over all it has read so far (finished segments included), or NaN.
     */
    Optional<Segment> split(Collection<Segment> segments, ToDoubleFunction<String> streamDensity, SegmentIds ids);

    /** The most requests this planner wants in flight, given what Little's law suggests. */
    int maxInFlight(int suggested);

    /** Hands out segment ids, unique within a run. */
    interface SegmentIds {
        int next();
    }

    /** Looks a planner up by its {@code --planner} name. */
    static SegmentPlanner named(String name) {
        return switch (name) {
            case "adaptive" -> new AdaptivePlanner();
            case "fixed" -> new FixedPlanner();
            case "sequential" -> new SequentialPlanner();
            default -> throw new IllegalArgumentException(
                    "--planner must be one of adaptive, fixed, sequential; was '" + name + "'");
        };
    }
}
