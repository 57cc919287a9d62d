package dev.sluice.cli.bench;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.InputStream;

/**
 * The ingest bench's {@code http} mode: a bare Helidon server, built as {@code sluice serve} builds its own (127.0.0.1,
 * an ephemeral port, no payload limit, virtual threads), whose one route reads a request body to its end and throws
 * it away. The same body sent here as to {@code sluice} measures the HTTP transfer alone — client, loopback and
 * server reads, no parsing and no storing — which is as fast as any server on this machine can take the items in.
 */
final class TransferFloor implements AutoCloseable {
    static final String PATH = "/drain";
    private static final int BUFFER = 64 * 1024;

    private final WebServer server;

    private TransferFloor(WebServer server) {
        this.server = server;
    }

    static TransferFloor start() {
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .maxPayloadSize(-1)
                .routing(r -> r.post(PATH, (req, res) -> {
                    long bytes;
                    try (InputStream in = req.content().inputStream()) {
                        bytes = drain(in);
                    }
                    res.header(HeaderNames.CONTENT_TYPE, "application/json").send("{\"bytes\":" + bytes + "}");
                }))
                .build()
                .start();
        return new TransferFloor(server);
    }

    int port() {
        return server.port();
    }

    /** Reads {@code in} to its end; returns how many bytes it held. */
    static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
        }
        return total;
    }

    @Override
    public void close() {
        server.stop();
    }
}
