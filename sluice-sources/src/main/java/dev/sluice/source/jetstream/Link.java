package dev.sluice.source.jetstream;

import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * One connection's listener: joins a message's partial frames and hands whole messages, and news of every frame and
 * of the end, to its {@link Inbox}. It asks the socket for one frame at a time, and for the next only when the inbox
 * says so; a link the inbox no longer counts as current asks for nothing more.
 */
final class Link implements WebSocket.Listener {
    /**
     * A whole message as the text java.net.http decoded (null for a binary one), and the connection it came on. Its
     * size is counted in chars: the bytes of the ASCII JSON Jetstream sends, and what a Latin-1 string takes in heap.
     */
    record Message(String text, boolean binary, int generation) {
        int size() {
            return text == null ? 0 : text.length();
        }
    }

    /** Where a link reports. Called on the HTTP client's threads; each call is about one link. */
    interface Inbox {
        /** A frame arrived on {@code from}; false if {@code from} is no longer current (then it asks for nothing). */
        boolean heard(Link from);

        /** A whole message arrived on {@code from}; true if the stream wants the next one now. */
        boolean received(Link from, Message m);

        /** {@code from} ended; ignored unless it is current. */
        void dropped(Link from, Throwable cause);
    }

    final int generation;
    volatile WebSocket ws;
    private final Inbox inbox;
    private final StringBuilder partialText = new StringBuilder();

    Link(int generation, Inbox inbox) {
        this.generation = generation;
        this.inbox = inbox;
    }

    /** Pings the server; a ping that cannot be sent ends this link. */
    void ping() {
        try {
            ws.sendPing(ByteBuffer.wrap(new byte[] {'s', 'l'})).whenComplete((w, t) -> {
                if (t != null) {
                    cut(t);
                }
            });
        } catch (RuntimeException e) {
            cut(e);
        }
    }

    /** Reports this link dropped for {@code cause} and cuts its socket. */
    void cut(Throwable cause) {
        inbox.dropped(this, cause);
        ws.abort();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        ws = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        // Copied now: java.net.http may reuse data once this returns. A message in one frame (the usual case) is
        // copied once, straight into its String; the parser reads the chars, never an encoding of them.
        String text;
        if (last && partialText.isEmpty()) {
            text = data.toString();
        } else {
            partialText.append(data);
            if (!last) {
                if (inbox.heard(this)) {
                    webSocket.request(1); // the rest of this message
                }
                return null;
            }
            text = partialText.toString();
            partialText.setLength(0);
        }
        if (inbox.received(this, new Message(text, false, generation))) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        if (!last) {
            if (inbox.heard(this)) {
                webSocket.request(1);
            }
            return null;
        }
        if (inbox.received(this, new Message(null, true, generation))) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        // java.net.http answers the pong itself; a ping takes one unit of demand, so ask again.
        if (inbox.heard(this)) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        if (inbox.heard(this)) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        inbox.dropped(this, new IOException("the server closed the connection (" + statusCode
                + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")"));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        inbox.dropped(this, error);
    }
}
