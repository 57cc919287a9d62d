package dev.sluice.source.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.limit.Backoff;
import dev.sluice.limit.RateLimiter;
import dev.sluice.pull.Page;
import dev.sluice.pull.PageRequest;
import dev.sluice.pull.run.RetryingRequests;
import dev.sluice.time.Clock;
import dev.sluice.time.TimeRange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * "One limiter keeps every request, retries included": every request that reaches the server took a token. The
 * server here answers the first request on each connection and, like a server closing an idle keep-alive connection
 * just as the next request arrives, reads the second and closes without a word. A client that resends such a request
 * by itself (java.net.http does, for a GET) would reach the server more often than it took tokens.
 */
class OneTokenPerRequestTest {
    private static final String PAGE = "{\"object\":\"list\",\"data\":[],\"has_more\":false}";

    /** Counts every request it reads; answers only the first of each connection. */
    private static final class ClosingServer implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger requests = new AtomicInteger();
        final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

        ClosingServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            threads.execute(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket c = socket.accept();
                        threads.execute(() -> serve(c));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        private void serve(Socket c) {
            try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
                for (int n = 0; readHead(in); n++) {
                    requests.incrementAndGet();
                    if (n > 0) {
                        return; // the second request on this connection: read, then closed unanswered
                    }
                    byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the client went away
            }
        }

        /** Reads one request head (a GET has no body); false at the end of the stream. */
        private static boolean readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int l = h.length;
                if (l >= 4 && h[l - 4] == '\r' && h[l - 3] == '\n' && h[l - 2] == '\r' && h[l - 1] == '\n') {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            threads.shutdownNow();
        }
    }

    @Test
    void everyRequestTheServerReadTookAToken() throws Exception {
        try (ClosingServer server = new ClosingServer()) {
            StripeApi api = new StripeApi(server.base(), "sk_test_tokens", Duration.ofSeconds(5), Clock.system());
            AtomicInteger tokens = new AtomicInteger();
            RetryingRequests requests = new RetryingRequests(new RateLimiter(RateLimiter.Config.ofRate(10_000),
                    Clock.system()), Backoff.builder().maxAttempts(5).base(Duration.ofMillis(1))
                    .max(Duration.ofMillis(5)).build(), Clock.system(), 1, new RetryingRequests.Tally() {
                        @Override
                        public void sent(boolean retry) {
                            tokens.incrementAndGet();
                        }
                    });
            PageRequest request = new PageRequest("customers", new TimeRange(0, 100), null, 100);
            for (int i = 0; i < 20; i++) {
                Page page = requests.send("page " + i, () -> api.lists().fetch(request));
                assertThat(page.hasMore()).isFalse();
            }
            // each page after the first found its connection closed once: about twice as many requests as pages
            assertThat(server.requests.get()).isGreaterThan(30);
            assertThat(tokens.get()).as("tokens taken").isEqualTo(server.requests.get());
        }
    }
}
