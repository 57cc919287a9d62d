package dev.sluice.sim.jetstream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare java.net.http WebSocket client for the simulator's own tests: it asks for frames one at a time, only when
 * {@link #take} is called, so a test controls exactly how fast the simulator may send.
 */
final class WsTestClient implements AutoCloseable {
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final WebSocket ws;
    private final StringBuilder partial = new StringBuilder();

    WsTestClient(URI uri) {
        this.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public void onOpen(WebSocket webSocket) {
                    }

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            messages.add(partial.toString());
                            partial.setLength(0);
                        } else {
                            webSocket.request(1);
                        }
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onPong(WebSocket webSocket, java.nio.ByteBuffer message) {
                        messages.add("pong " + java.nio.charset.StandardCharsets.UTF_8.decode(message));
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        messages.add("closed");
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        messages.add("closed");
                    }

                }).join();
    }

    /** The next message, asking the server for it; null if none came within 10 s. */
    String take() throws InterruptedException {
        ws.request(1);
        return messages.poll(10, TimeUnit.SECONDS);
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    void ping(String text) {
        ws.sendPing(java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))).join();
    }

    @Override
    public void close() {
        ws.abort();
    }
}
