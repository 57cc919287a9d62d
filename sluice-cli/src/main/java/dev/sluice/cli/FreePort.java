package dev.sluice.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The port a command is about to listen on, tried first with a socket of its own, so that a port in use (or not
 * ours to bind) is named with its flag before anything starts: Helidon only logs a failed bind.
 */
public final class FreePort {
    private FreePort() {
    }

    /**
     * Returns if {@code host:port} can be bound now (port 0 always can).
     *
     * @throws CommandFailure exit code {@value CommandFailure#CANNOT_START}, naming {@code flag}, the address and why
     */
    public static void check(String flag, String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw CommandFailure.cannotStart(flag + ": cannot listen on " + host + ":" + port + ": " + e.getMessage(),
                    e);
        }
    }
}
