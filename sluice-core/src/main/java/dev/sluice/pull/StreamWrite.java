package dev.sluice.pull;

import java.util.List;

/** Records of one stream to upsert, and that stream's checkpoint after them. */
public record StreamWrite(String namespace, String stream, List<SourceRecord> records, Checkpoint checkpoint) {
    public StreamWrite {
        records = List.copyOf(records);
    }
}
