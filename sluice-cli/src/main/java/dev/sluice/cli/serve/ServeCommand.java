package dev.sluice.cli.serve;

import dev.sluice.cli.CommandFailure;
import dev.sluice.cli.Converters;
import dev.sluice.cli.FreePort;
import dev.sluice.cli.options.DatabaseOption;
import dev.sluice.cli.options.StripeOptions;
import dev.sluice.objects.ObjectStore;
import dev.sluice.objects.ObjectStores;
import dev.sluice.server.IngestServer;
import dev.sluice.server.ServerConfig;
import dev.sluice.server.webhooks.WebhookRoute;
import dev.sluice.store.Database;
import dev.sluice.store.JdbcBatchStore;
import dev.sluice.sync.DeletionMode;
import dev.sluice.time.Clock;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice serve}: the HTTP service for push ingest, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the push-ingest API: POST /v1/batches, POST /v1/batches/{id}/items (NDJSON), "
                + "GET /v1/batches/{id}[/items], plus /healthz and /metrics; with --stripe-webhook-secret, Stripe's "
                + "webhooks at POST /v1/stripe/webhooks."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "${env:SLUICE_HOST:-0.0.0.0}", description = "Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "${env:SLUICE_PORT:-8080}", description = "Default: ${DEFAULT-VALUE}.")
    int port;

    @Mixin
    DatabaseOption db;

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

    @Option(names = "--stripe-webhook-secret", paramLabel = "whsec_…",
            description = "Enables POST /v1/stripe/webhooks, checking Stripe's signature with this endpoint secret; "
                    + "repeat it while rotating secrets. Default: $SLUICE_STRIPE_WEBHOOK_SECRETS (comma-separated). "
                    + "Never printed or logged.")
    List<String> webhookSecrets = new ArrayList<>();

    @Option(names = "--stripe-webhook-tolerance", converter = Converters.DurationConverter.class, paramLabel = "D",
            defaultValue = "${env:SLUICE_STRIPE_WEBHOOK_TOLERANCE:-300s}",
            description = "Deliveries signed longer ago than this are refused. Default: ${DEFAULT-VALUE}.")
    Duration webhookTolerance;

    @Option(names = "--stripe-api-key", paramLabel = "KEY", defaultValue = "${env:STRIPE_API_KEY}",
            description = "Lets the webhook endpoint re-read an object to settle two events of one second, and "
                    + "complete invoices' lines. Default: $STRIPE_API_KEY; without one, the later event type wins.")
    String stripeApiKey;

    @Option(names = "--stripe-base-url", paramLabel = "URL", converter = StripeOptions.BaseUrlConverter.class,
            defaultValue = "${env:SLUICE_STRIPE_BASE_URL:-https://api.stripe.com}",
            description = "Stripe's API root for those re-reads. Default: ${DEFAULT-VALUE}.")
    URI stripeBaseUrl;

    @Option(names = "--deletes", paramLabel = "tombstone|remove", defaultValue = "${env:SLUICE_DELETES}",
            description = "How webhooks keep deleted objects (as sync stripe's --deletes). Default: what the "
                    + "namespace uses, else tombstone.")
    String deletes;

    @Override
    public Integer call() throws Exception {
        List<String> keys = orFromEnv(apiKeys, "SLUICE_API_KEYS");
        boolean generated = keys.isEmpty();
        if (generated) {
            byte[] b = new byte[18];
            new SecureRandom().nextBytes(b);
            keys.add("sk_sluice_" + HexFormat.of().formatHex(b));
        }
        ServerConfig config;
        try {
            config = ServerConfig.builder().host(host).port(port).apiKeys(keys).ingestConcurrency(ingestConcurrency)
                    .maxItemBytes(maxItemBytes).offloadThresholdBytes(offloadThreshold).maxBatchItems(maxBatchItems)
                    .batchTtl(batchTtl).uploadSecret(uploadSecret).build();
        } catch (IllegalArgumentException e) {
            boolean secretFromEnv = uploadSecret != null && uploadSecret.equals(System.getenv("SLUICE_UPLOAD_SECRET"))
                    && e.getMessage().startsWith("--upload-secret");
            throw secretFromEnv ? new IllegalArgumentException("$SLUICE_UPLOAD_SECRET: " + e.getMessage(), e) : e;
        }
        ObjectStore store = openObjects(objects);
        StripeWebhookEndpoint.Settings webhooks = webhookSettings();
        CountDownLatch stopped = new CountDownLatch(1);
        try (Database database = db.open(4, STORE_PATIENCE); ObjectStore o = store;
             IngestServer server = listen(config, new JdbcBatchStore(database, Clock.system()), o,
                     webhooks == null ? List.of() : List.of(StripeWebhookEndpoint.route(webhooks, database,
                             Clock.system(), config.maxDrainBytes())))) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            System.out.printf("Sluice ingest listening on http://%s:%d (db %s, objects %s)%n", host, server.port(),
                    db.url(), o.describe());
            if (generated) {
                System.out.println("No --api-key given; clients can use this generated key: " + keys.get(0));
            }
            if (webhooks != null) {
                System.out.printf("Stripe webhooks: POST http://%s:%d%s (%d secret%s, %s)%n", host, server.port(),
                        StripeWebhookEndpoint.PATH, webhooks.secrets().size(), webhooks.secrets().size() == 1 ? ""
                                : "s", webhooks.apiKey() == null ? "no re-reads: ties go to the later event type"
                                : "ties re-read from " + webhooks.baseUrl());
            }
            System.out.flush();
            stopped.await();
        }
        return 0;
    }

    /** The values of a repeatable flag, or when it was not given, those of a comma-separated variable. */
    private static List<String> orFromEnv(List<String> given, String variable) {
        List<String> values = new ArrayList<>(given);
        String fromEnv = System.getenv(variable);
        if (values.isEmpty() && fromEnv != null && !fromEnv.isBlank()) {
            values.addAll(Arrays.stream(fromEnv.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList());
        }
        return values;
    }

    /** The webhook endpoint's settings, or null when no secret enables it. */
    private StripeWebhookEndpoint.Settings webhookSettings() {
        List<String> secrets = orFromEnv(webhookSecrets, "SLUICE_STRIPE_WEBHOOK_SECRETS");
        if (secrets.isEmpty()) {
            return null;
        }
        String key = stripeApiKey == null || stripeApiKey.isBlank() ? null : stripeApiKey;
        return new StripeWebhookEndpoint.Settings(secrets, webhookTolerance, key, stripeBaseUrl, 25,
                deletes == null || deletes.isBlank() ? null : DeletionMode.parse(deletes));
    }

    /**
     * How long a request waits for a database connection before it is answered 503 {@code DATABASE_UNAVAILABLE}:
     * while the database restarts the pool has none to give, and a client should hear so soon and send again.
     */
    static final Duration STORE_PATIENCE = Duration.ofSeconds(2);

    /** {@code --objects}: a malformed URL is a usage error; a directory that cannot be made cannot start. */
    private static ObjectStore openObjects(String url) {
        try {
            return ObjectStores.open(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--objects: " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw CommandFailure.cannotStart("--objects: " + e.getMessage(), e);
        }
    }

    /**
     * Starts the server; a port in use (or not ours to bind) is named with its flag.
     */
    private static IngestServer listen(ServerConfig config, JdbcBatchStore store, ObjectStore objects,
            List<WebhookRoute> webhooks) {
        FreePort.check("--port", config.host(), config.port());
        try {
            return IngestServer.start(config, store, objects, Clock.system(), webhooks);
        } catch (IllegalStateException e) {
            throw CommandFailure.cannotStart("--port: " + e.getMessage() + " (see the log above)", e);
        }
    }
}
