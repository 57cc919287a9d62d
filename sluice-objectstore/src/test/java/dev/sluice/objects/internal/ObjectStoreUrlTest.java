package dev.sluice.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ObjectStoreUrlTest {

    @Test
    void fileWithARelativeDirectoryResolvesAgainstTheWorkingDirectory() {
        assertThat(ObjectStoreUrl.parse("file:sluice-objects"))
                .isEqualTo(new ObjectStoreUrl.File(Path.of("sluice-objects").toAbsolutePath()));
        assertThat(ObjectStoreUrl.parse("file:./a/../b"))
                .isEqualTo(new ObjectStoreUrl.File(Path.of("b").toAbsolutePath()));
    }

    @Test
    void fileWithAnAbsoluteDirectory() {
        assertThat(ObjectStoreUrl.parse("file:/data/objects")).isEqualTo(new ObjectStoreUrl.File(Path.of("/data/objects")));
        assertThat(ObjectStoreUrl.parse("file:///data/my%20objects"))
                .isEqualTo(new ObjectStoreUrl.File(Path.of("/data/my objects")));
        assertThat(ObjectStoreUrl.parse("file://localhost/data/objects"))
                .isEqualTo(new ObjectStoreUrl.File(Path.of("/data/objects")));
        assertThat(ObjectStoreUrl.parse("  FILE:/data/objects/ ").toString()).isEqualTo("file:/data/objects");
    }

    @Test
    void s3WithEverything() {
        var url = ObjectStoreUrl.parse("s3://sluice-payloads/ingest/v1/?endpoint=http://127.0.0.1:9000"
                + "&region=eu-west-1&path-style=true&access-key=AKIA123&secret-key=s3cr%2Ft+x");
        assertThat(url).isEqualTo(new ObjectStoreUrl.S3("sluice-payloads", "ingest/v1/",
                URI.create("http://127.0.0.1:9000"), "eu-west-1", true, "AKIA123", "s3cr/t+x"));
        assertThat(url.toString())
                .isEqualTo("s3://sluice-payloads/ingest/v1/?endpoint=http://127.0.0.1:9000&region=eu-west-1"
                        + "&path-style=true&access-key=AKIA123&secret-key=****");
    }

    @Test
    void s3WithNothingButABucketUsesSdkDefaults() {
        assertThat(ObjectStoreUrl.parse("s3://my-bucket"))
                .isEqualTo(new ObjectStoreUrl.S3("my-bucket", "", null, null, false, null, null));
    }

    @Test
    void pathStyleDefaultsToTrueWithAnEndpointAndCanBeTurnedOff() {
        var withEndpoint = (ObjectStoreUrl.S3) ObjectStoreUrl.parse("s3://b-1?endpoint=https://minio.local");
        assertThat(withEndpoint.pathStyle()).isTrue();
        var off = (ObjectStoreUrl.S3) ObjectStoreUrl.parse("s3://b-1?endpoint=https://minio.local&path-style=FALSE");
        assertThat(off.pathStyle()).isFalse();
    }

    @Test
    void credentialsAsUserinfoArePercentDecoded() {
        var url = (ObjectStoreUrl.S3) ObjectStoreUrl.parse("s3://AKIA123:se%2Fcr%40et+1@bucket-1/p");
        assertThat(url.accessKey()).isEqualTo("AKIA123");
        assertThat(url.secretKey()).isEqualTo("se/cr@et+1");
        assertThat(url.bucket()).isEqualTo("bucket-1");
        assertThat(url.prefix()).isEqualTo("p/");
        assertThat(url.toString()).doesNotContain("se/cr@et").contains("secret-key=****");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\"\"                                               | it is empty",
            "/data/objects                                    | starts with neither",
            "http://bucket                                    | starts with neither",
            "file:                                            | the directory is missing",
            "file://                                          | the directory is missing",
            "file://otherhost/x                               | no other host than localhost",
            "s3://                                            | the bucket is missing",
            "s3:///prefix                                     | the bucket is missing",
            "s3://Bucket_Upper                                | the bucket 'Bucket_Upper' is not valid",
            "s3://ab                                          | the bucket 'ab' is not valid",
            "s3://bucket/../x                                 | the prefix '../x' must be",
            "s3://bucket/a//b                                 | the prefix 'a//b' must be",
            "s3://bucket?endpoint=ftp://host                  | must be http://HOST[:PORT] or https://HOST[:PORT]",
            "s3://bucket?endpoint=not a url                   | is not a URL",
            "s3://bucket?endpoint=http://u:p@host             | no credentials, query or fragment",
            "s3://bucket?region=US_EAST                       | the region 'US_EAST' is not valid",
            "s3://bucket?path-style=yes                       | path-style must be true or false",
            "s3://bucket?pathstyle=true                       | the parameter 'pathstyle' is not one of",
            "s3://bucket?region=a&region=b                    | 'region' is given twice",
            "s3://bucket?region=                              | 'region' is empty",
            "s3://bucket?access-key=AK                        | access-key and secret-key go together",
            "s3://bucket?secret-key=SK                        | access-key and secret-key go together",
            "s3://AK:SK@bucket?access-key=AK&secret-key=SK    | both as userinfo and as parameters",
            "s3://AK@bucket                                   | must be KEY:SECRET@",
            "s3://bucket#frag                                 | '#' fragment",
            "s3://bucket?region=%zz                           | malformed %-escape",
    })
    void badUrlsAreRejectedWithWhyAndTheAcceptedForms(String text, String why) {
        assertThatThrownBy(() -> ObjectStoreUrl.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(why)
                .hasMessageContaining("accepted forms: file:DIR (relative or absolute), s3://BUCKET[/PREFIX]");
    }

    @Test
    void aBadUrlIsQuotedWithItsSecretMasked() {
        assertThatThrownBy(() -> ObjectStoreUrl.parse("s3://bucket?access-key=AK&secret-key=hunter2&bogus=1"))
                .hasMessageStartingWith("'s3://bucket?access-key=AK&secret-key=****&bogus=1'")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ObjectStoreUrl.parse("s3://AK:hunter2@bucket?bogus=1"))
                .hasMessageStartingWith("'s3://AK:****@bucket?bogus=1'")
                .hasMessageNotContaining("hunter2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "s3://AK:hunter2@bucket                     | s3://AK:****@bucket",
            "s3://AK:hun/ter@2@bucket/p?region=x        | s3://AK:****@bucket/p?region=x",
            "s3://b?secret-key=hunter2                  | s3://b?secret-key=****",
            "s3://b?region=x&SECRET-KEY=hunter2&a=b     | s3://b?region=x&SECRET-KEY=****&a=b",
            "s3://b?endpoint=http://h:9000&secret-key=hunter2 | s3://b?endpoint=http://h:9000&secret-key=****",
            "file:/data/objects                         | file:/data/objects",
    })
    void maskHidesSecretsWhereverTheyAre(String text, String masked) {
        assertThat(ObjectStoreUrl.mask(text)).isEqualTo(masked);
    }
}
