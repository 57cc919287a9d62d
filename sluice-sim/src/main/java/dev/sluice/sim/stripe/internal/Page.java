package dev.sluice.sim.stripe.internal;

import java.util.List;

/** One list page: items newest first, and whether more items match beyond it in the paging direction. */
public record Page(List<Snapshot> items, boolean hasMore) {
}
