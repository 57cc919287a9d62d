package dev.sluice.cli.serve;

import dev.sluice.cli.Converters;
import dev.sluice.objects.ObjectStore;
import dev.sluice.objects.ObjectStores;
import dev.sluice.server.IngestServer;
import dev.sluice.server.ServerConfig;
import dev.sluice.store.Database;
import dev.sluice.store.DatabaseUrl;
import dev.sluice.store.JdbcBatchStore;
import dev.sluice.time.Clock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice serve}: the HTTP service for push ingest, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the push-ingest API: POST /v1/batches, POST /v1/batches/{id}/items (NDJSON), "
                + "GET /v1/batches/{id}[/items], plus /healthz and /metrics."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "${env:SLUICE_HOST:-0.0.0.0}", description = "Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "${env:SLUICE_PORT:-8080}", description = "Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--db", defaultValue = "${env:SLUICE_DB:-sqlite:./sluice.db}",
            description = "sqlite:PATH or postgresql://… Default: ${DEFAULT-VALUE}.")
    String db;

    @Option(names = "--objects", defaultValue = "${env:SLUICE_OBJECTS:-file:./sluice-objects}",
            description = "file:DIR or s3://bucket[/prefix]?endpoint=…&region=…&path-style=true. Default: ${DEFAULT-VALUE}.")
    String objects;

    @Option(names = "--api-key", description = "A key clients send as 'Authorization: Bearer KEY'; repeatable. "
            + "Default: $SLUICE_API_KEYS (comma-separated); with none, one is generated and printed.")
    List<String> apiKeys = new ArrayList<>();

    @Option(names = "--ingest-concurrency", defaultValue = "${env:SLUICE_INGEST_CONCURRENCY:-10}",
            description = "Offloads in flight per items request. Default: ${DEFAULT-VALUE}.")
    int ingestConcurrency;

    @Option(names = "--max-item-bytes", defaultValue = "${env:SLUICE_MAX_ITEM_BYTES:-3145728}",
            description = "A longer line becomes a failed item (PAYLOAD_TOO_LARGE). Default: ${DEFAULT-VALUE} (3 MiB).")
    int maxItemBytes;

    @Option(names = "--offload-threshold-bytes", defaultValue = "${env:SLUICE_OFFLOAD_THRESHOLD_BYTES:-524288}",
            description = "Payloads above this go to the object store. Default: ${DEFAULT-VALUE} (512 KiB).")
    int offloadThreshold;

    @Option(names = "--max-batch-items", defaultValue = "${env:SLUICE_MAX_BATCH_ITEMS:-1000000}",
            description = "Largest expectedCount. Default: ${DEFAULT-VALUE}.")
    long maxBatchItems;

    @Option(names = "--batch-ttl", defaultValue = "${env:SLUICE_BATCH_TTL:-24h}", converter = Converters.DurationConverter.class,
            description = "Unsealed batches expire after this. Default: ${DEFAULT-VALUE}.")
    Duration batchTtl;

    @Option(names = "--upload-secret", defaultValue = "${env:SLUICE_UPLOAD_SECRET}",
            description = "Signs the trigger.dev surface's presigned upload URLs (at least 32 characters, e.g. "
                    + "'openssl rand -hex 32'); give every server behind one load balancer the same one, and URLs "
                    + "stay good across restarts. Default: $SLUICE_UPLOAD_SECRET; with none, a random one per process.")
    String uploadSecret;

    @Override
    public Integer call() throws Exception {
        List<String> keys = new ArrayList<>(apiKeys);
        String fromEnv = System.getenv("SLUICE_API_KEYS");
        if (keys.isEmpty() && fromEnv != null && !fromEnv.isBlank()) {
            keys.addAll(Arrays.stream(fromEnv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        }
        boolean generated = keys.isEmpty();
        if (generated) {
            byte[] b = new byte[18];
            new SecureRandom().nextBytes(b);
            keys.add("sk_sluice_" + HexFormat.of().formatHex(b));
        }
        ServerConfig config = ServerConfig.defaults(keys).withPort(host, port)
                .withLimits(ingestConcurrency, maxItemBytes, offloadThreshold, maxBatchItems, batchTtl);
        try {
            config = config.withUploadSecret(uploadSecret == null || uploadSecret.isEmpty() ? null : uploadSecret);
        } catch (IllegalArgumentException e) {
            boolean secretFromEnv = uploadSecret.equals(System.getenv("SLUICE_UPLOAD_SECRET"));
            throw secretFromEnv ? new IllegalArgumentException("$SLUICE_UPLOAD_SECRET: " + e.getMessage(), e) : e;
        }
        DatabaseUrl url = Converters.databaseUrl(db);
        ObjectStore store;
        try {
            store = ObjectStores.open(objects);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--objects: " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (Database database = Database.open(url); ObjectStore o = store;
             IngestServer server = IngestServer.start(config, new JdbcBatchStore(database, Clock.system()), o,
                     Clock.system())) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            System.out.printf("Sluice ingest listening on http://%s:%d (db %s, objects %s)%n", host, server.port(),
                    url, o.describe());
            if (generated) {
                System.out.println("No --api-key given; clients can use this generated key: " + keys.get(0));
            }
            System.out.flush();
            stopped.await();
        }
        return 0;
    }
}
