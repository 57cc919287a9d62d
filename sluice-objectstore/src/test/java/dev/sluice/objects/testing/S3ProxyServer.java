package dev.sluice.objects.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 protocol server for tests: S3Proxy in-process on loopback over a filesystem blob store, AWS v4
 * signatures required, one bucket created. Modules that use it declare {@code org.gaul:s3proxy} (test scope) and
 * the system property {@code aws.disableEc2Metadata=true} themselves.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String BUCKET = "sluice-test";
    public static final String ACCESS_KEY = "sluice-test-access";
    public static final String SECRET_KEY = "sluice/test+secret";

    private final S3Proxy proxy;
    private final S3Client admin;
    private final String endpoint;

    private S3ProxyServer(S3Proxy proxy, S3Client admin, String endpoint) {
        this.proxy = proxy;
        this.admin = admin;
        this.endpoint = endpoint;
    }

    /** Starts the server over blobs under {@code dir} and creates {@link #BUCKET}. */
    public static S3ProxyServer start(Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(dir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        if (!"STARTED".equals(proxy.getState())) {
            throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
        }
        String endpoint = "http://127.0.0.1:" + proxy.getPort();
        S3Client admin = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
        admin.createBucket(b -> b.bucket(BUCKET));
        return new S3ProxyServer(proxy, admin, endpoint);
    }

    public String endpoint() {
        return endpoint;
    }

    /** A client with full rights, to look behind the store under test. */
    public S3Client admin() {
        return admin;
    }

    /** An {@code --objects} URL for {@link #BUCKET} under {@code prefix} with the given credentials. */
    public String url(String prefix, String accessKey, String secretKey) {
        return "s3://" + BUCKET + "/" + prefix + "?endpoint=" + endpoint + "&region=us-east-1&path-style=true"
                + "&access-key=" + URLEncoder.encode(accessKey, UTF_8)
                + "&secret-key=" + URLEncoder.encode(secretKey, UTF_8);
    }

    public String url(String prefix) {
        return url(prefix, ACCESS_KEY, SECRET_KEY);
    }

    @Override
    public void close() throws Exception {
        admin.close();
        proxy.stop();
    }
}
