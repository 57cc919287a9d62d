package dev.sluice.objects;

import dev.sluice.objects.internal.ObjectStoreUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;

/** Opens the object store a user names with {@code --objects}. */
public final class ObjectStores {
    /** The accepted forms of {@link #open}'s argument, for help texts. */
    public static final String ACCEPTED = ObjectStoreUrl.ACCEPTED;

    private ObjectStores() {
    }

    /**
     * Opens {@code file:DIR} (relative or absolute; created if missing) or
     * {@code s3://[KEY:SECRET@]BUCKET[/PREFIX][?endpoint=URL&region=R&path-style=true|false&access-key=K&secret-key=S]}.
     * Without credentials in the URL, S3 takes them from the AWS default chain ({@code AWS_ACCESS_KEY_ID}…).
     * {@code path-style} defaults to true when an endpoint is given. No S3 request is made here.
     *
     * @throws IllegalArgumentException quoting {@code url} (any secret masked), why, and the accepted forms
     * @throws UncheckedIOException if the directory of a {@code file:} store cannot be created
     */
    public static ObjectStore open(String url) {
        ObjectStoreUrl parsed = ObjectStoreUrl.parse(url);
        return switch (parsed) {
            case ObjectStoreUrl.File f -> {
                try {
                    yield new FileObjectStore(f.dir());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open the object store " + f + ": " + why(e), e);
                }
            }
            case ObjectStoreUrl.S3 s -> S3ObjectStore.builder()
                    .bucket(s.bucket())
                    .prefix(s.prefix())
                    .endpoint(s.endpoint())
                    .region(s.region())
                    .pathStyle(s.pathStyle())
                    .credentials(s.accessKey(), s.secretKey())
                    .build();
        };
    }

    /** The file and the system's reason ("…/a-file/objects: Not a directory"), not the exception's class. */
    private static String why(IOException e) {
        if (e instanceof FileSystemException fs) {
            String reason = fs instanceof AccessDeniedException ? "permission denied"
                    : fs instanceof FileAlreadyExistsException ? "a file is in the way" : fs.getReason();
            if (reason != null) {
                return fs.getFile() + ": " + reason;
            }
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
