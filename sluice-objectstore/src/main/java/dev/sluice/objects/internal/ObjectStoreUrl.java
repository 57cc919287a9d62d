package dev.sluice.objects.internal;

import java.net.URI;
import java.nio.file.Path;

/**
 * What a user passes to {@code --objects}, parsed. Two forms:
 *
 * <ul>
 *   <li>{@code file:DIR} — a directory, relative (to the working directory at parse time) or absolute; also
 *       {@code file:///abs/dir} and {@code file://localhost/abs/dir}, where {@code %}-escapes are decoded.</li>
 *   <li>{@code s3://[KEY:SECRET@]BUCKET[/PREFIX][?endpoint=URL&region=R&path-style=true|false&access-key=KEY
 *       &secret-key=SECRET]} — credentials as userinfo or parameters (percent-encoded; {@code +} stays {@code +}),
 *       or neither, for the SDK's default chain. {@code path-style} defaults to true when an endpoint is given
 *       (S3-compatible servers), false otherwise. Unknown parameters are errors, so a typo is not silently ignored.</li>
 * </ul>
 *
 * <p>Neither {@code toString()} nor a parse error shows a secret.
 */
public sealed interface ObjectStoreUrl permits ObjectStoreUrl.File, ObjectStoreUrl.S3 {

    /** What replaces a secret in any text shown. */
    String MASK = "****";

    /** The accepted forms, for error messages and help texts. */
    String ACCEPTED = "file:DIR (relative or absolute), "
            + "s3://BUCKET[/PREFIX][?endpoint=URL&region=REGION&path-style=true|false&access-key=KEY&secret-key=SECRET]"
            + " (credentials also as s3://KEY:SECRET@BUCKET, or from the AWS default chain when absent)";

    /** Objects under a local directory (absolute, normalised). */
    record File(Path dir) implements ObjectStoreUrl {
        @Override
        public String toString() {
            return "file:" + dir;
        }
    }

    /**
     * Objects in an S3 bucket. {@code prefix} is empty or ends with {@code /}; {@code endpoint}, {@code region},
     * {@code accessKey} and {@code secretKey} may be null (SDK defaults).
     */
    record S3(String bucket, String prefix, URI endpoint, String region, boolean pathStyle,
              String accessKey, String secretKey) implements ObjectStoreUrl {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("s3://").append(bucket).append('/').append(prefix);
            char sep = '?';
            if (endpoint != null) {
                sb.append(sep).append("endpoint=").append(endpoint);
                sep = '&';
            }
            if (region != null) {
                sb.append(sep).append("region=").append(region);
                sep = '&';
            }
            sb.append(sep).append("path-style=").append(pathStyle);
            if (accessKey != null) {
                sb.append("&access-key=").append(accessKey).append("&secret-key=").append(MASK);
            }
            return sb.toString();
        }
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException quoting the text (secrets masked), why, and the accepted forms
     */
    static ObjectStoreUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw ObjectStoreUrlParser.bad(String.valueOf(text), "it is empty");
        }
        String t = text.strip();
        if (t.regionMatches(true, 0, "file:", 0, 5)) {
            return ObjectStoreUrlParser.file(t, t.substring(5));
        }
        if (t.regionMatches(true, 0, "s3://", 0, 5)) {
            return ObjectStoreUrlParser.s3(t, t.substring(5));
        }
        throw ObjectStoreUrlParser.bad(t, "it starts with neither 'file:' nor 's3://'");
    }

    /** Hides the secret of a URL-like text, whether given as userinfo or as a {@code secret-key} parameter. */
    static String mask(String text) {
        return ObjectStoreUrlParser.mask(text);
    }
}
