package dev.sluice.server;

import dev.sluice.ingest.run.IngestConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of {@code sluice serve}, validated with messages that name the flag. Immutable; build with
 * {@link #builder()} (at least one API key is required).
 *
 * @param apiKeys               keys accepted in {@code Authorization: Bearer}; each key owns its own batches
 * @param ingestConcurrency     offloads in flight per items request (the original system's 10)
 * @param maxItemBytes          a line longer than this becomes a failed item ({@code PAYLOAD_TOO_LARGE})
 * @param offloadThresholdBytes payloads larger than this go to the object store
 * @param maxBatchItems         the largest {@code expectedCount} a batch may announce
 * @param batchTtl              unsealed batches older than this expire
 * @param maxDrainBytes         how much of a refused request's body is read before answering; beyond it the
 *                              connection is closed
 * @param uploadSecret          the key that signs presigned upload URLs, or {@code null} for a random one per process
 *                              (then a URL is only good on the server that issued it, until it restarts); servers
 *                              behind one load balancer share one
 */
public record ServerConfig(String host, int port, List<String> apiKeys, int ingestConcurrency, int maxItemBytes,
        int offloadThresholdBytes, long maxBatchItems, Duration batchTtl, long maxDrainBytes, String uploadSecret) {
    /** The shortest {@code --upload-secret}: 32 characters, as many as {@code openssl rand -hex 16} prints. */
    public static final int MIN_UPLOAD_SECRET_CHARS = 32;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(batchTtl, "batchTtl");
        check(port >= 0 && port <= 65535, "--port must be in 0..65535, was " + port);
        apiKeys = List.copyOf(apiKeys);
        check(!apiKeys.isEmpty(), "--api-key: at least one key is needed");
        for (String k : apiKeys) {
            check(k.length() >= 8 && k.chars().allMatch(c -> c > 32 && c < 127),
                    "--api-key: a key must be at least 8 printable characters without spaces");
        }
        new IngestConfig(ingestConcurrency, maxItemBytes, offloadThresholdBytes); // checks them, naming the flags
        check(maxBatchItems >= 1, "--max-batch-items must be >= 1, was " + maxBatchItems);
        check(!batchTtl.isNegative() && !batchTtl.isZero(), "--batch-ttl must be positive, was " + batchTtl);
        check(maxDrainBytes >= 0, "maxDrainBytes must be >= 0");
        // The secret itself is never part of a message: it may be a typo of the real one.
        check(uploadSecret == null || uploadSecret.length() >= MIN_UPLOAD_SECRET_CHARS
                        && uploadSecret.chars().allMatch(c -> c > 32 && c < 127),
                "--upload-secret must be at least " + MIN_UPLOAD_SECRET_CHARS + " printable characters without"
                        + " spaces (for example the output of 'openssl rand -hex 32'), was "
                        + (uploadSecret == null ? 0 : uploadSecret.length()) + " characters");
    }

    /**
     * Defaults: port 8080 on all interfaces, concurrency 10, items up to 3 MiB, offload above 512 KiB, batches of up
     * to a million items, 24 h TTL, 256 MiB of a refused body drained, a random upload secret per process.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The items engine's settings. */
    public IngestConfig ingest() {
        return new IngestConfig(ingestConcurrency, maxItemBytes, offloadThresholdBytes);
    }

    /** Every setting but the secrets: API keys and the upload secret show only as counts and presence. */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", apiKeys=" + apiKeys.size() + " keys"
                + ", ingestConcurrency=" + ingestConcurrency + ", maxItemBytes=" + maxItemBytes
                + ", offloadThresholdBytes=" + offloadThresholdBytes + ", maxBatchItems=" + maxBatchItems
                + ", batchTtl=" + batchTtl + ", maxDrainBytes=" + maxDrainBytes
                + ", uploadSecret=" + (uploadSecret == null ? "random per process" : "shared") + "]";
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private List<String> apiKeys = List.of();
        private int ingestConcurrency = 10;
        private int maxItemBytes = 3 * 1024 * 1024;
        private int offloadThresholdBytes = 512 * 1024;
        private long maxBatchItems = 1_000_000;
        private Duration batchTtl = Duration.ofHours(24);
        private long maxDrainBytes = 256L * 1024 * 1024;
        private String uploadSecret;

        private Builder() {
        }

        public Builder host(String h) {
            this.host = h;
            return this;
        }

        /** 0 picks a free port. */
        public Builder port(int p) {
            this.port = p;
            return this;
        }

        public Builder apiKeys(List<String> keys) {
            this.apiKeys = keys;
            return this;
        }

        public Builder ingestConcurrency(int n) {
            this.ingestConcurrency = n;
            return this;
        }

        public Builder maxItemBytes(int bytes) {
            this.maxItemBytes = bytes;
            return this;
        }

        public Builder offloadThresholdBytes(int bytes) {
            this.offloadThresholdBytes = bytes;
            return this;
        }

        public Builder maxBatchItems(long n) {
            this.maxBatchItems = n;
            return this;
        }

        public Builder batchTtl(Duration ttl) {
            this.batchTtl = ttl;
            return this;
        }

        public Builder maxDrainBytes(long bytes) {
            this.maxDrainBytes = bytes;
            return this;
        }

        /** {@code null} or empty: a random secret per process. */
        public Builder uploadSecret(String secret) {
            this.uploadSecret = secret == null || secret.isEmpty() ? null : secret;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(host, port, apiKeys, ingestConcurrency, maxItemBytes, offloadThresholdBytes,
                    maxBatchItems, batchTtl, maxDrainBytes, uploadSecret);
        }
    }
}
