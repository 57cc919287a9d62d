package dev.sluice.pull.run;

import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.Remainder;
import dev.sluice.pull.plan.Segment;
import java.util.ArrayList;
import java.util.List;

/** A stream's segments held by this process and what of it is committed; touched only by the coordinator. */
final class StreamState {
    final String name;
    final List<Segment> segments = new ArrayList<>();
    Checkpoint start;
    Checkpoint committed;
    long objects;
    String error;
    int errorStatus;
    private long itemsRead;
    private long secondsCovered;

    StreamState(String name, Checkpoint start) {
        this.name = name;
        this.start = start;
        this.committed = start;
    }

    /** The checkpoint of the segments this process holds (the stream's whole state when it holds them all). */
    Checkpoint checkpoint() {
        List<Remainder> remaining = new ArrayList<>();
        for (Segment s : segments) {
            if (!s.done()) {
                remaining.add(s.remainder());
            }
        }
        remaining.sort((a, b) -> Long.compare(b.lt(), a.lt()));
        return new Checkpoint(start.range(), remaining);
    }

    /** Records a page: its new objects and the seconds of the range it showed (all of a finished segment's). */
    void read(int items, long seconds) {
        itemsRead += items;
        secondsCovered += Math.max(0, seconds);
    }

    /** Objects per second over everything this stream has read, or NaN before anything. */
    double density() {
        return secondsCovered == 0 ? Double.NaN : itemsRead / (double) secondsCovered;
    }

    void fail(String message, int status) {
        error = message;
        errorStatus = status;
        for (Segment s : segments) {
            s.abandon();
        }
    }
}
