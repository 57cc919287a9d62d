package dev.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest bench end to end on a tiny scenario against SQLite: correctness only (every run stored every item
 * exactly once, the report's fields are there and consistent). No timing assertions: those are what it measures.
 */
class BenchIngestCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void tinyRunIsCompleteAndReported() throws Exception {
        Path json = dir.resolve("ingest.json");
        int code = Main.run("bench", "ingest", "--small-items", "500", "--large-items", "5", "--large-bytes",
                String.valueOf(600 * 1024), "--no-warmup", "--json", json.toString());
        assertThat(code).isZero();

        JsonNode report = JSON.readTree(json.toFile());
        assertThat(report.path("bench").asText()).isEqualTo("ingest");
        JsonNode machine = report.path("machine");
        assertThat(machine.path("cores").asInt()).isPositive();
        for (String field : List.of("memory_gb", "java", "os", "date")) {
            assertThat(machine.has(field)).as(field).isTrue();
        }
        JsonNode runs = report.path("runs");
        assertThat(runs.size()).isEqualTo(8);
        Set<String> seen = new HashSet<>();
        for (JsonNode run : runs) {
            String scenario = run.path("scenario").asText();
            String mode = run.path("mode").asText();
            String name = scenario + "/" + mode;
            seen.add(name);
            assertThat(run.path("complete").asBoolean()).as(name).isTrue();
            long items = scenario.equals("small") ? 500 : 5;
            int bytes = scenario.equals("small") ? 300 : 600 * 1024;
            assertThat(run.path("items").asLong()).as(name).isEqualTo(items);
            double seconds = run.path("seconds").asDouble();
            assertThat(seconds).as(name).isPositive();
            double perS = run.path("items_per_s").asDouble();
            assertThat(perS).as(name).isCloseTo(items / seconds, org.assertj.core.data.Percentage.withPercentage(2));
            assertThat(run.path("mb_per_s").asDouble()).as(name)
                    .isCloseTo(perS * bytes / 1e6, org.assertj.core.data.Percentage.withPercentage(2));
            assertThat(run.path("limit_ratio").isNumber()).as(name).isTrue();
            if (mode.equals("limit")) {
                assertThat(run.path("limit_ratio").asDouble()).as(name).isEqualTo(1.0);
            } else {
                assertThat(run.path("limit_ratio").asDouble()).as(name).isPositive();
            }
            assertThat(run.path("peak_rss_mb").asDouble()).as(name).isPositive();
            // The process's CPU clock ticks in steps of milliseconds: a run this short may read 0.
            assertThat(run.path("cpu_s").isNumber()).as(name).isTrue();
            assertThat(run.path("cpu_s").asDouble()).as(name).isNotNegative();
            assertThat(run.path("cpu_cores").asDouble()).as(name).isNotNegative();
        }
        assertThat(seen).containsExactlyInAnyOrder("small/limit", "small/http", "small/sluice", "small/per-item",
                "large/limit", "large/http", "large/sluice", "large/per-item");
        assertThat(report.path("targets").size()).isEqualTo(3);
        // http / limit and sluice / http for both, and for large the ceiling the two runs' CPU time sets
        JsonNode bounds = report.path("bounds");
        assertThat(bounds.size()).isEqualTo(5);
        for (JsonNode b : bounds) {
            assertThat(b.path("value").asDouble()).as(b.path("check").asText()).isPositive();
        }
        assertThat(report.path("params").path("offload_threshold_bytes").asInt()).isEqualTo(512 * 1024);
    }

    @Test
    void repeatedModesReportTheirMedianAndEveryTime() throws Exception {
        Path json = dir.resolve("repeat.json");
        int code = Main.run("bench", "ingest", "--scenarios", "small", "--modes", "limit,sluice", "--small-items",
                "300", "--no-warmup", "--repeat", "3", "--json", json.toString());
        assertThat(code).isZero();
        JsonNode report = JSON.readTree(json.toFile());
        assertThat(report.path("params").path("repeat").asInt()).isEqualTo(3);
        for (JsonNode run : report.path("runs")) {
            JsonNode all = run.path("seconds_all");
            assertThat(all.size()).isEqualTo(3);
            List<Double> sorted = new java.util.ArrayList<>();
            all.forEach(x -> sorted.add(x.asDouble()));
            java.util.Collections.sort(sorted);
            assertThat(run.path("seconds").asDouble()).isEqualTo(sorted.get(1));
        }
    }

    @Test
    void anIncompleteRepetitionIsWhatIsReported() {
        IngestRun fast = run("sluice", 1.0, 1.0);
        IngestRun slow = run("sluice", 3.0, 1.0);
        IngestRun broken = new IngestRun("large", "sluice", 100, 1 << 20, 0, Double.NaN, 1, Double.NaN, false,
                "batch x holds 99 rows");
        assertThat(IngestRun.median(List.of(slow, fast, run("sluice", 2.0, 1.0))).seconds()).isEqualTo(2.0);
        assertThat(IngestRun.median(List.of(slow, fast)).seconds()).isEqualTo(3.0);
        assertThat(IngestRun.median(List.of(fast, broken, slow))).isSameAs(broken);
    }

    @Test
    void theCeilingIsSetByTheSlowerRunOrByTheirCpuTimeTogether() {
        IngestRun limit = run("limit", 1.0, 1.8);
        // the transfer alone: as fast as the limit, on 1.6 cores
        IngestRun http = run("http", 1.0, 1.6);
        IngestRun sluice = run("sluice", 2.5, 3.9);
        List<IngestReport.Bound> bounds = IngestReport.bounds(List.of(limit, http, sluice), 2);
        assertThat(bounds).extracting(IngestReport.Bound::value)
                .containsExactly(1.0, 0.4, 1.0 / ((1.8 + 1.6) / 2));
        // on 8 cores the CPU no longer binds: the slower of the two runs does
        assertThat(IngestReport.bounds(List.of(limit, run("http", 1.25, 1.6), sluice), 8).get(2).value())
                .isEqualTo(0.8);
    }

    private static IngestRun run(String mode, double seconds, double cpu) {
        return new IngestRun("large", mode, 100, 1 << 20, seconds, Double.NaN, 1, cpu, true, null);
    }

    @Test
    void theBodyLengthIsKnownWithoutMakingIt() throws Exception {
        IngestPayloads p = new IngestPayloads(100, 7);
        for (long count : new long[] {0, 1, 9, 10, 11, 100, 1_234}) {
            long made = 0;
            try (InputStream in = p.ndjson(count)) {
                made = TransferFloor.drain(in);
            }
            assertThat(p.ndjsonBytes(count)).as("%d lines", count).isEqualTo(made);
        }
    }

    @Test
    void badFlagsAreNamed() {
        assertThat(Main.run("bench", "ingest", "--scenarios", "medium")).isEqualTo(2);
        assertThat(Main.run("bench", "ingest", "--modes", "sluice,bulk")).isEqualTo(2);
        assertThat(Main.run("bench", "ingest", "--small-items", "0")).isEqualTo(2);
        // at the offload threshold a "large" item would be stored inline
        assertThat(Main.run("bench", "ingest", "--large-bytes", String.valueOf(512 * 1024))).isEqualTo(2);
        assertThat(Main.run("bench", "ingest", "--db", "mysql://x")).isEqualTo(2);
        assertThat(Main.run("bench", "ingest", "--repeat", "0")).isEqualTo(2);
    }

    @Test
    void payloadsHaveTheirSizeAndStreamAsNdjson() throws Exception {
        IngestPayloads p = new IngestPayloads(300, 7);
        for (long i : new long[] {0, 9, 12_345, Long.MAX_VALUE}) {
            byte[] payload = p.payload(i);
            assertThat(payload).hasSize(300);
            JsonNode node = JSON.readTree(payload);
            assertThat(node.path("n").asLong()).isEqualTo(i);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.ndjson(1_000)) {
            byte[] buf = new byte[777]; // reads end mid-line
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
        }
        String[] lines = out.toString(StandardCharsets.US_ASCII).split("\n");
        assertThat(lines).hasSize(1_000);
        for (int i = 0; i < lines.length; i++) {
            JsonNode line = JSON.readTree(lines[i]);
            assertThat(line.path("index").asInt()).isEqualTo(i);
            assertThat(JSON.writeValueAsString(line.path("payload"))).hasSize(300);
        }
    }
}
