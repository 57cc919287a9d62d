package dev.sluice.objects;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in an S3 bucket (AWS or an S3-compatible server), under an optional key prefix, through the AWS SDK v2
 * over the JDK's {@code HttpURLConnection}.
 *
 * <p>A put is a single {@code PutObject} of known length, streamed: S3 stores the whole object or nothing, and a
 * put of an existing key replaces it. Request checksums are computed and response checksums validated only when an
 * operation requires them ({@code WHEN_REQUIRED}): S3-compatible servers often reject the SDK's newer default
 * checksum headers.
 *
 * <p>NOTE: the SDK retries a failed request, but it can replay a stream only within its mark limit (128 KiB);
 * a larger put that fails mid-way is reported as an {@link IOException}, and the caller retries it with a fresh
 * stream. Safe for many threads (the SDK client is); {@link #close} releases its connections.
 */
public final class S3ObjectStore implements ObjectStore {
    private final S3Client client;
    private final String bucket;
    private final String prefix;
    private final String description;

    private S3ObjectStore(S3Client client, String bucket, String prefix, String description) {
        this.client = client;
        this.bucket = bucket;
        this.prefix = prefix;
        this.description = description;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        String s3Key = s3Key(key);
        if (length < 0) {
            throw new IllegalArgumentException("object '" + key + "': length " + length + " must be >= 0");
        }
        try {
            client.putObject(b -> b.bucket(bucket).key(s3Key).contentLength(length),
                    RequestBody.fromInputStream(data, length));
        } catch (SdkException | UncheckedIOException | IllegalStateException e) {
            // NOTE: the SDK reports a stream shorter than its length as IllegalStateException, and an
            // IOException from the stream as UncheckedIOException or SdkClientException. The server discards
            // the incomplete request, so nothing is stored.
            throw new IOException("cannot store object '" + key + "' in " + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        String s3Key = s3Key(key);
        try {
            return client.getObject(b -> b.bucket(bucket).key(s3Key));
        } catch (NoSuchKeyException e) {
            throw new FileNotFoundException("object '" + key + "' not found in " + description);
        } catch (SdkException e) {
            throw new IOException("cannot read object '" + key + "' from " + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String s3Key = s3Key(key);
        try {
            client.deleteObject(b -> b.bucket(bucket).key(s3Key)); // S3 answers 204 for an absent key too
        } catch (SdkException e) {
            throw new IOException("cannot delete object '" + key + "' from " + description + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Lists the prefix page by page and deletes each object with its own request: one request per object is slow
     * for a big prefix, but every S3-compatible server supports it, and expiry sweeps are not on any client's path.
     */
    @Override
    public int deleteAll(String prefix) throws IOException {
        String s3Prefix = s3Key(prefix) + "/";
        int deleted = 0;
        try {
            for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(s3Prefix)).contents()) {
                client.deleteObject(b -> b.bucket(bucket).key(o.key()));
                deleted++;
            }
        } catch (SdkException e) {
            throw new IOException("cannot delete the objects under '" + prefix + "/' from " + description
                    + " (" + deleted + " deleted before): " + e.getMessage(), e);
        }
        return deleted;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }

    @Override
    public void close() {
        client.close();
    }

    private String s3Key(String key) {
        return prefix + ObjectStore.checkKey(key);
    }

    /** Settings for an {@link S3ObjectStore}; only the bucket is required. */
    public static final class Builder {
        private String bucket;
        private String prefix = "";
        private URI endpoint;
        private String region;
        private boolean pathStyle;
        private String accessKey;
        private String secretKey;

        private Builder() {
        }

        public Builder bucket(String bucket) {
            this.bucket = Objects.requireNonNull(bucket, "bucket");
            return this;
        }

        /** A key prefix, e.g. {@code sluice/payloads}; slashes at either end are optional. */
        public Builder prefix(String prefix) {
            String p = Objects.requireNonNull(prefix, "prefix").replaceAll("^/+|/+$", "");
            this.prefix = p.isEmpty() ? "" : ObjectStore.checkKey(p) + "/";
            return this;
        }

        /** An S3-compatible server, e.g. {@code http://127.0.0.1:9000}; null for AWS. */
        public Builder endpoint(URI endpoint) {
            if (endpoint != null && endpoint.getRawUserInfo() != null) {
                throw new IllegalArgumentException("the S3 endpoint must not hold credentials");
            }
            this.endpoint = endpoint;
            return this;
        }

        /** The region; null for {@code AWS_REGION} or the profile's, else {@code us-east-1}. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /** Addresses the bucket as {@code ENDPOINT/BUCKET/KEY} rather than {@code BUCKET.ENDPOINT/KEY}. */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /** Static credentials; without them, the SDK's default chain ({@code AWS_ACCESS_KEY_ID}, profile, role). */
        public Builder credentials(String accessKey, String secretKey) {
            if ((accessKey == null) != (secretKey == null)) {
                throw new IllegalArgumentException("an S3 access key and secret key go together");
            }
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        /** Builds the store; no request is made until the first operation. */
        public S3ObjectStore build() {
            if (bucket == null || bucket.isEmpty()) {
                throw new IllegalArgumentException("an S3 object store needs a bucket");
            }
            Region resolvedRegion = Region.of(region != null ? region : defaultRegion());
            AwsCredentialsProvider credentials = accessKey != null
                    ? StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey))
                    : DefaultCredentialsProvider.builder().build();
            S3ClientBuilder b = S3Client.builder()
                    .httpClient(UrlConnectionHttpClient.create())
                    .region(resolvedRegion)
                    .credentialsProvider(credentials)
                    .forcePathStyle(pathStyle)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            StringBuilder d = new StringBuilder("s3://").append(bucket).append('/').append(prefix);
            d.append(" (").append(endpoint != null ? "endpoint " + endpoint + ", " : "")
                    .append("region ").append(resolvedRegion.id())
                    .append(pathStyle ? ", path-style" : "")
                    .append(accessKey != null ? ", credentials from the URL" : ", default credentials")
                    .append(')');
            return new S3ObjectStore(b.build(), bucket, prefix, d.toString());
        }

        /**
         * {@code AWS_REGION} / {@code aws.region}, else the profile, else {@code us-east-1}. NOTE: not the SDK's full
         * default chain, whose last step asks the EC2 instance metadata service over the network.
         */
        private static String defaultRegion() {
            try {
                return new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
                        .getRegion().id();
            } catch (SdkException e) {
                return "us-east-1";
            }
        }
    }
}
