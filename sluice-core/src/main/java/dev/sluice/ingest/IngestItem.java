package dev.sluice.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One item of a batch, parsed from a line {@code {"index": i, "payload": <any JSON>, ...}}.
 *
 * @param index the item's index, in {@code [0, expectedCount)}
 * @param line the 1-based line number it came from
 * @param payload the {@code "payload"} value exactly as the client wrote it (original JSON text: number formats,
 *     key order and whitespace inside are kept), or {@code null} when the line has no {@code "payload"} field
 * @param extra every other top-level field, e.g. trigger.dev's {@code task} and {@code options}; empty if none
 */
public record IngestItem(long index, long line, String payload, ObjectNode extra) implements ParsedLine {}
