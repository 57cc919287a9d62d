package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.FakeClock;
import dev.sluice.testing.MemoryBatchStore;
import dev.sluice.testing.MemoryObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a client that streams a refused body hears: the answer after its body, up to the drain limit; then what. */
class RefusedBodyTest {
    private static final String KEY = "sk_test_refused_body";
    private static final int DRAIN = 1 << 20;
    private IngestServer server;

    @BeforeEach
    void start() {
        server = IngestServer.start(ServerConfig.builder().apiKeys(List.of(KEY)).host("127.0.0.1").port(0)
                .maxDrainBytes(DRAIN).build(), new MemoryBatchStore(new FakeClock()), new MemoryObjectStore(),
                new FakeClock());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * Sends a request with a body of {@code bodyBytes} from another thread while this one reads the answer, as a
     * streaming client does; returns what was read, and whether the body could be written whole.
     */
    private record Exchange(String answer, String writeFailure) {
    }

    private Exchange exchange(long bodyBytes) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            CompletableFuture<String> writing = CompletableFuture.supplyAsync(() -> {
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) 'x');
                long sent = 0;
                try {
                    out.write(("POST /v1/batches/batch_nope/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                            + KEY + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + bodyBytes
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    while (sent < bodyBytes) {
                        int n = (int) Math.min(chunk.length, bodyBytes - sent);
                        out.write(chunk, 0, n);
                        sent += n;
                    }
                    out.flush();
                    return null;
                } catch (IOException e) {
                    return "after " + sent + " bytes: " + e.getMessage();
                }
            });
            String answer = readAnswer(s.getInputStream());
            return new Exchange(answer, writing.get(30, TimeUnit.SECONDS));
        }
    }

    /** The status line, headers and the JSON body (by its Content-Length). */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString();
            }
            head.append((char) b);
        }
        String h = head.toString().toLowerCase(java.util.Locale.ROOT);
        int at = h.indexOf("content-length:");
        int length = Integer.parseInt(h.substring(at + 15, h.indexOf('\r', at)).strip());
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void aBodyWithinTheLimitIsReadWholeBeforeTheAnswer() throws Exception {
        Exchange e = exchange(DRAIN / 2);
        assertThat(e.writeFailure()).isNull();
        assertThat(e.answer()).startsWith("HTTP/1.1 404").contains("\"code\":\"NOT_FOUND\"")
                .doesNotContainIgnoringCase("connection: close");
    }

    /**
     * Past the limit the answer goes out once the limit is read, and the connection closes: a client that reads
     * while it writes gets the answer, and its write then breaks off (one that writes everything first sees only
     * the broken connection). README: "an error is sent after the body was read, up to 256 MiB of it".
     */
    @Test
    void aLongerBodyIsAnsweredAfterTheLimitAndTheConnectionCloses() throws Exception {
        Exchange e = exchange(16L * DRAIN);
        assertThat(e.answer()).startsWith("HTTP/1.1 404").containsIgnoringCase("connection: close")
                .contains("\"code\":\"NOT_FOUND\"");
        assertThat(e.writeFailure()).as("the server stopped reading at the limit").isNotNull();
    }
}
