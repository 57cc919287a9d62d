package dev.sluice.sim.stripe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFileTest {

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path file = dir.resolve("data.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void readsSpansPerResource() throws IOException {
        DatasetFile d = DatasetFile.read(write("""
                {"seed": 7, "resources": {"customers": [[100, 200, 5], [300, 301, 2]], "charges": []}}
                """), 1_000);
        assertThat(d.seed()).hasValue(7);
        assertThat(d.resources().get(ResourceKind.CUSTOMERS))
                .containsExactly(new DatasetFile.Span(100, 200, 5), new DatasetFile.Span(300, 301, 2));
        assertThat(d.resources().get(ResourceKind.CHARGES)).isEmpty();
        assertThat(d.earliest()).hasValue(100);

        List<Entry> customers = Population.generate(7, d.resources()).get(ResourceKind.CUSTOMERS);
        assertThat(customers).hasSize(7);
        assertThat(customers.stream().filter(e -> e.created() == 300)).hasSize(2);
        assertThat(customers.stream().filter(e -> e.created() >= 100 && e.created() < 200)).hasSize(5);
    }

    @Test
    void seedIsOptional() throws IOException {
        assertThat(DatasetFile.read(write("{\"resources\": {}}"), 1_000).seed()).isEmpty();
    }

    @Test
    void aBadTripleNamesTheFileTheResourceAndTheTriple() throws IOException {
        Path file = write("""
                {"resources": {"customers": [[100, 200, 5]], "invoices": [[100, 200, 5], [500, 400, 1]]}}
                """);
        assertThatThrownBy(() -> DatasetFile.read(file, 1_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("invoices")
                .hasMessageContaining("triple #2")
                .hasMessageContaining("gte must be < lt");
    }

    @Test
    void rejectsMalformedInput() throws IOException {
        assertRejected("{\"resources\": {\"customers\": [[1, 2]]}}", "customers", "three integers");
        assertRejected("{\"resources\": {\"customers\": [[1, 2, -1]]}}", "customers", "count must be >= 0");
        assertRejected("{\"resources\": {\"customers\": [[1, 2, \"x\"]]}}", "customers", "three integers");
        assertRejected("{\"resources\": {\"customers\": [[1, 2000, 1]]}}", "customers", "lt must be <= now");
        assertRejected("{\"resources\": {\"widgets\": []}}", "widgets", "unknown");
        assertRejected("{\"resources\": {\"customers\": {}}}", "customers", "array");
        assertRejected("{\"seed\": \"x\", \"resources\": {}}", "seed", "integer");
        assertRejected("{\"customers\": []}", "resources", "");
        assertRejected("[1, 2", "cannot read", "");
    }

    private void assertRejected(String json, String part1, String part2) throws IOException {
        Path file = write(json);
        assertThatThrownBy(() -> DatasetFile.read(file, 1_000)).as(json)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--dataset " + file + ": ")
                .hasMessageContaining(part1)
                .hasMessageContaining(part2);
    }

    @Test
    void aMissingFileIsAClearError() {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> DatasetFile.read(missing, 1_000))
                .hasMessageContaining(missing.toString()).hasMessageContaining("cannot read");
    }
}
