package dev.sluice.source.jetstream;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Opens one connection: the handshake for a {@link SubscribeRequest}'s URL, then its hello. */
final class Connector {
    private Connector() {}

    /**
     * The open socket, its hello sent, its frames going to {@code listener}.
     *
     * @throws IOException naming the URL and why (the server's HTTP answer, a timeout, a refused connection); a
     *         socket that opened but could not take the hello is aborted, not left to a server that waits on it
     */
    static WebSocket open(HttpClient http, Duration connectTimeout, SubscribeRequest r, Link listener)
            throws IOException, InterruptedException {
        WebSocket ws = null;
        try {
            ws = http.newWebSocketBuilder().connectTimeout(connectTimeout).buildAsync(r.uri(), listener)
                    .get(connectTimeout.toNanos() * 2, TimeUnit.NANOSECONDS);
            ws.sendText(r.hello(), true).get(connectTimeout.toNanos(), TimeUnit.NANOSECONDS);
            return ws;
        } catch (ExecutionException | TimeoutException e) {
            if (ws != null) {
                ws.abort();
            }
            throw new IOException(r.uri() + ": cannot subscribe: " + reason(e), e);
        }
    }

    private static String reason(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof WebSocketHandshakeException h) {
            Object body = h.getResponse().body();
            return "the server answered HTTP " + h.getResponse().statusCode()
                    + (body instanceof String s && !s.isBlank() ? ": " + s : "");
        }
        if (t instanceof TimeoutException) {
            return "no answer in time";
        }
        if (t instanceof ConnectException) {
            return "connection refused"; // java.net.http's carries no message
        }
        return t.toString(); // the class says as much as the message: "java.net.ConnectException" has none
    }
}
