package dev.sluice.pull.run;

import dev.sluice.pull.FetchFailure;
import dev.sluice.pull.ListSource;
import dev.sluice.pull.NestedLists;
import dev.sluice.pull.Page;
import dev.sluice.pull.PageRequest;
import dev.sluice.pull.SourceException;
import dev.sluice.pull.SourceRecord;
import dev.sluice.pull.plan.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;

/**
 * Fetches one page of a segment on a worker thread, through the retrying requests (every attempt takes a token),
 * completes the nested lists of its objects, and hands the answer — or why there is none — back to the coordinator
 * through its queue. It touches no segment state: the coordinator owns that.
 */
final class PageFetcher {
    /** An answered request: the page, or why there is none (both null: the fetch was interrupted). */
    record Completion(Segment segment, Page page, FetchFailure failure) {
    }

    private final ListSource source;
    private final NestedLists nested;
    private final RetryingRequests pages;
    private final RetryingRequests nestedRequests;
    private final BlockingQueue<Completion> completions;

    PageFetcher(ListSource source, NestedLists nested, RetryingRequests pages, RetryingRequests nestedRequests,
            BlockingQueue<Completion> completions) {
        this.source = source;
        this.nested = nested;
        this.pages = pages;
        this.nestedRequests = nestedRequests;
        this.completions = completions;
    }

    /** Sends the segment's next request on {@code workers}; its completion arrives on the queue. */
    void fetch(ExecutorService workers, Segment seg, PageRequest request) {
        workers.execute(() -> {
            Completion c;
            try {
                Page page = pages.send(describe(request), () -> source.fetch(request));
                c = new Completion(seg, complete(request.stream(), page), null);
            } catch (FetchFailure f) {
                c = new Completion(seg, null, f);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c = new Completion(seg, null, null);
            } catch (RuntimeException e) {
                c = new Completion(seg, null, new FetchFailure(describe(request), 1,
                        new SourceException(SourceException.Kind.CLIENT_ERROR, 0, "unexpected error: " + e, null, e)));
            }
            completions.add(c);
        });
    }

    /** The page with every object's nested lists complete (the same page when nothing was missing). */
    private Page complete(String stream, Page page) throws FetchFailure, InterruptedException {
        if (nested == NestedLists.NONE) {
            return page;
        }
        List<SourceRecord> items = new ArrayList<>(page.items().size());
        for (SourceRecord r : page.items()) {
            String json = nested.complete(stream, r.id(), r.json(), nestedRequests);
            items.add(json.equals(r.json()) ? r : new SourceRecord(r.id(), r.created(), r.version(), json));
        }
        return new Page(items, page.hasMore());
    }

    /** Names a page request in a failure's message. */
    static String describe(PageRequest r) {
        return "stream " + r.stream() + ", range " + r.range() + ", cursor "
                + (r.startingAfter() == null ? "(start)" : r.startingAfter());
    }
}
