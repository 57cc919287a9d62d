package dev.sluice.pull;

import java.util.List;

/**
 * One page of a list: its items newest first ({@code created} descending, ties in the API's own order) and whether
 * more items follow in the same range after the last one.
 */
public record Page(List<SourceRecord> items, boolean hasMore) {
    public Page {
        items = List.copyOf(items);
    }

    public SourceRecord last() {
        return items.isEmpty() ? null : items.get(items.size() - 1);
    }
}
