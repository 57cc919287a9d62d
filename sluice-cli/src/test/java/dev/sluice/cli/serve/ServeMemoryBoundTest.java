package dev.sluice.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.bench.GeneratedLines;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB items stream through {@code sluice serve} running in its own JVM with a 256 MiB heap: the server reads,
 * offloads and commits it without holding it, and the batch seals. Measured, not assumed: the bytes the client
 * really sent, every payload's bytes in the object store, and the server process's peak resident memory (its
 * kernel high-water mark, which counts heap, direct buffers and everything else) at well under what it took in.
 */
class ServeMemoryBoundTest {
    private static final String KEY = "sk_test_big_stream";
    private static final int ITEMS = 2048;
    private static final int PAYLOAD_CHARS = 530_000; // above the 512 KiB offload threshold: every item is offloaded
    /** The most the server's peak resident memory may be, as a share of the bytes it took in. */
    private static final double MAX_PEAK_SHARE_OF_STREAM = 0.5;

    @TempDir
    Path dir;

    @Test
    void aOneGibStreamPassesThroughA256MibHeap() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve("serve.log");
        Process server = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.sluice.cli.Main", "serve", "--host", "127.0.0.1", "--port", "0",
                "--db", "sqlite:" + dir.resolve("serve.db"), "--objects", "file:" + dir.resolve("objects"),
                "--api-key", KEY))
                .redirectError(log.toFile()).start();
        try {
            int port = awaitPort(server);
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + port);
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(base.resolve("/v1/batches"))
                    .header("Authorization", "Bearer " + KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"expectedCount\":" + ITEMS + "}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String id = new ObjectMapper().readTree(created.body()).get("id").asText();

            AtomicLong sent = new AtomicLong();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/batches/" + id + "/items"))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/x-ndjson")
                    .timeout(Duration.ofMinutes(8))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> counted(
                            new GeneratedLines(ITEMS, ServeMemoryBoundTest::item), sent))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = new ObjectMapper().readTree(r.body());
            assertThat(body.get("itemsAccepted").asLong()).isEqualTo(ITEMS);
            assertThat(body.get("sealed").asBoolean()).isTrue();
            assertThat(sent.get()).as("bytes the client sent").isGreaterThan(1L << 30);
            assertThat(objectBytes(dir.resolve("objects"))).as("payload bytes in the object store")
                    .isEqualTo((long) ITEMS * (PAYLOAD_CHARS + 2));
            long peak = peakResidentBytes(server.pid());
            if (peak > 0) { // Linux: the kernel keeps the process's high-water mark
                assertThat(peak).as("the server's peak resident memory, against the %d bytes it took in", sent.get())
                        .isLessThan((long) (sent.get() * MAX_PEAK_SHARE_OF_STREAM));
            }
            assertThat(server.isAlive()).isTrue();
            assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
    }

    /** {@code in}, adding every byte read from it to {@code count}. */
    private static InputStream counted(InputStream in, AtomicLong count) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                count.addAndGet(Math.max(n, 0));
                return n;
            }
        };
    }

    /** The bytes of every file under {@code root}. */
    private static long objectBytes(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** The process's peak resident set size ({@code VmHWM}), or 0 where {@code /proc} does not tell. */
    private static long peakResidentBytes(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
            }
        }
        return 0;
    }

    private static int awaitPort(Process server) throws Exception {
        Pattern listening = Pattern.compile("listening on http://[^:]+:(\\d+)");
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = listening.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("sluice serve exited before listening (exit " + server.waitFor() + ")");
    }

    /** Item {@code i}: one NDJSON line of ~{@value #PAYLOAD_CHARS} bytes. */
    private static byte[] item(long i) {
        byte[] head = ("{\"index\":" + i + ",\"payload\":\"").getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[head.length + PAYLOAD_CHARS + 3];
        System.arraycopy(head, 0, line, 0, head.length);
        Arrays.fill(line, head.length, head.length + PAYLOAD_CHARS, (byte) 'x');
        line[line.length - 3] = '"';
        line[line.length - 2] = '}';
        line[line.length - 1] = '\n';
        return line;
    }
}
