package dev.sluice.sim.stripe;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.IntSupplier;

/** A webhook endpoint for tests: records every POST and answers what {@code status} says (0 drops the connection). */
final class WebhookReceiver implements AutoCloseable {

    record Delivery(String signature, String contentType, byte[] body) {
    }

    private final HttpServer server;
    private final List<Delivery> received = new ArrayList<>();
    private volatile IntSupplier status = () -> 200;

    WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hook", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                int answer = status.getAsInt();
                if (answer == 0) {
                    return; // closed without a response
                }
                if (answer / 100 == 2) {
                    synchronized (received) {
                        received.add(new Delivery(exchange.getRequestHeaders().getFirst("Stripe-Signature"),
                                exchange.getRequestHeaders().getFirst("Content-Type"), body));
                    }
                }
                exchange.sendResponseHeaders(answer, -1);
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    /** What the next requests are answered; evaluated once per request. */
    void answer(IntSupplier status) {
        this.status = status;
    }

    /** Deliveries answered 2xx, in arrival order. */
    List<Delivery> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
