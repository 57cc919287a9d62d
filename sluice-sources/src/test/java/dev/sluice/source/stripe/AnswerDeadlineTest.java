package dev.sluice.source.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.pull.PageRequest;
import dev.sluice.pull.SourceException;
import dev.sluice.time.Clock;
import dev.sluice.time.TimeRange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The deadline of an attempt covers the whole answer: a server that drips its body is cut off when it passes. */
class AnswerDeadlineTest {
    @Test
    void aBodyThatDripsPastTheDeadlineFailsAsTransportWithinIt() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket c = server.accept(); InputStream in = c.getInputStream();
                     OutputStream out = c.getOutputStream()) {
                    in.read(new byte[4096]); // the request
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    for (int i = 0; i < 100; i++) { // a byte every 200 ms: each read is quick, the whole is not
                        Thread.sleep(200);
                        out.write(' ');
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // cut off by the client: expected
                }
            });
            StripeListSource source = new StripeListSource(URI.create("http://127.0.0.1:" + server.getLocalPort()),
                    "sk_test_deadline", Duration.ofSeconds(1), Clock.system());
            long started = System.nanoTime();
            SourceException e = catchThrowableOfType(SourceException.class,
                    () -> source.fetch(new PageRequest("customers", new TimeRange(0, 100), null, 100)));
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(e.kind()).isEqualTo(SourceException.Kind.TRANSPORT);
            assertThat(e.getMessage()).contains("no complete answer within PT1S");
            assertThat(seconds).isLessThan(3.0);
        }
    }
}
