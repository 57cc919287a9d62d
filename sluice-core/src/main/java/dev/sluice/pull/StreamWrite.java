package dev.sluice.pull;

import java.util.List;
import java.util.Objects;

/** Records of one stream to upsert, and that stream's checkpoint after them. */
public record StreamWrite(String namespace, String stream, List<SourceRecord> records, Checkpoint checkpoint) {
    public StreamWrite {
        records = List.copyOf(records);
        Objects.requireNonNull(checkpoint, "checkpoint");
    }
}
