package dev.sluice.cli.replay;

import dev.sluice.cli.CommandFailure;
import dev.sluice.replay.EventSource;
import dev.sluice.replay.EventStream;
import dev.sluice.replay.Subscription;
import dev.sluice.source.jetstream.JetstreamEventSource;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice replay jetstream}: a Jetstream WebSocket (Bluesky's, or {@code sluice sim jetstream}). */
@Command(name = "jetstream", mixinStandardHelpOptions = true,
        description = "Replay a Jetstream firehose (wss://jetstream2.us-east.bsky.network, or sluice sim jetstream).")
public final class ReplayJetstreamCommand implements Callable<Integer> {
    @Option(names = "--url", required = true, paramLabel = "ws://…",
            description = "The Jetstream server: ws(s)://host[:port] or its …/subscribe URL.",
            defaultValue = "${env:SLUICE_JETSTREAM_URL}")
    String url;

    @Mixin
    ReplayOptions options;

    @Override
    public Integer call() throws Exception {
        return ReplayRun.execute(options, firstConnectionNamed(new JetstreamEventSource(parseUrl(url),
                4 * ReplayRun.MIB)), System.out, System.err);
    }

    /**
     * {@code source}, whose first connection, when it fails, fails the command as one that cannot start, named with
     * {@code --url}: the server is not there or refuses the subscription. A connection lost later is the run's
     * failure (exit 1), once the stream's own reconnection gave up.
     */
    static EventSource firstConnectionNamed(EventSource source) {
        return new EventSource() {
            private boolean opened;

            @Override
            public EventStream open(Subscription subscription) throws IOException {
                try {
                    EventStream s = source.open(subscription);
                    opened = true;
                    return s;
                } catch (IOException e) {
                    if (opened) {
                        throw e;
                    }
                    throw CommandFailure.cannotStart("--url: " + e.getMessage(), e);
                }
            }

            @Override
            public String describe() {
                return source.describe();
            }
        };
    }

    static URI parseUrl(String text) {
        try {
            URI uri = URI.create(text.trim());
            String scheme = uri.getScheme();
            if (uri.getHost() == null || scheme == null || !(scheme.equals("ws") || scheme.equals("wss"))) {
                throw new IllegalArgumentException("not ws(s)");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--url must be a WebSocket URL like ws://127.0.0.1:6008 or "
                    + "wss://jetstream2.us-east.bsky.network/subscribe, was '" + text + "'");
        }
    }
}
