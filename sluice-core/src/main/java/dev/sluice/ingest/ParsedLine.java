package dev.sluice.ingest;

/** What {@link ItemParser} makes of one {@link Line}: an item to store, or the reason it cannot be stored. */
public sealed interface ParsedLine permits IngestItem, ItemError {
    /** The 1-based line number in the stream. */
    long line();
}
