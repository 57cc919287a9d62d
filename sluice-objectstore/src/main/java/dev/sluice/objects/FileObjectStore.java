package dev.sluice.objects;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Objects as files under a root directory: key {@code a/b/c} is the file {@code ROOT/a/b/c}.
 *
 * <p>A put streams into a temporary file beside its target, forces it to disk, renames it over the target
 * ({@code ATOMIC_MOVE}) and forces the directory, so a reader sees the old object or the new one, never a part, and
 * an object whose put returned survives a crash. Temporary files are named {@code .put~RANDOM.tmp}; {@code ~} is
 * not allowed in keys, so they never collide with an object. A crash mid-put can leave one behind; any such file
 * may be removed while no put is running.
 *
 * <p>Keys are checked by {@link ObjectStore#checkKey}, and the resolved path must still lie under the root. NOTE:
 * that second check is lexical; a symbolic link placed inside the root by an operator is followed.
 *
 * <p>{@link #delete} leaves empty directories behind: removing them would race with a put creating them.
 */
public final class FileObjectStore implements ObjectStore {
    private static final int BUFFER = 64 * 1024;

    private final Path root;

    /** A store under {@code root}, created if it does not exist. */
    public FileObjectStore(Path root) throws IOException {
        Path abs = root.toAbsolutePath().normalize();
        Files.createDirectories(abs);
        this.root = abs.toRealPath();
    }

    /** The root directory (absolute, symbolic links resolved). */
    public Path root() {
        return root;
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        Path target = resolve(key);
        if (length < 0) {
            throw new IllegalArgumentException("object '" + key + "': length " + length + " must be >= 0");
        }
        Path dir = target.getParent();
        Path temp;
        try {
            createDirectories(dir);
            temp = Files.createTempFile(dir, ".put~", ".tmp");
        } catch (IOException e) {
            throw new IOException("cannot store object '" + key + "' in " + describe() + ": " + e, e);
        }
        boolean moved = false;
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                copy(key, data, length, out);
                out.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot store object '" + key + "': " + describe()
                        + " does not support atomic renames", e);
            }
            moved = true;
            syncDirectory(dir);
        } catch (EOFException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot store object '" + key + "' in " + describe() + ": " + e, e);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static void copy(String key, InputStream data, long length, FileChannel out) throws IOException {
        byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(length, 1))];
        long remaining = length;
        while (remaining > 0) {
            int n = data.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new EOFException("object '" + key + "': the stream ended after " + (length - remaining)
                        + " of " + length + " bytes; nothing stored");
            }
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
            remaining -= n;
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        Path target = resolve(key);
        if (Files.isDirectory(target)) {
            throw notFound(key);
        }
        try {
            return Files.newInputStream(target);
        } catch (NoSuchFileException | FileNotFoundException e) {
            throw notFound(key);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Path target = resolve(key);
        if (Files.isDirectory(target)) {
            return; // a key prefix, not an object
        }
        Files.deleteIfExists(target);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The prefix's directory goes too, with every directory under it, once empty: unlike {@link #delete}, nothing
     * is expected to put under it any more. A put racing with this either lands before (and is deleted) or fails.
     */
    @Override
    public int deleteAll(String prefix) throws IOException {
        Path dir = resolve(prefix);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(dir)) {
            entries = walk.sorted(Comparator.reverseOrder()).toList(); // children before their directory
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        int deleted = 0;
        for (Path p : entries) {
            boolean object = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                    && !p.getFileName().toString().startsWith(".put~");
            try {
                if (Files.deleteIfExists(p) && object) {
                    deleted++;
                }
            } catch (DirectoryNotEmptyException e) {
                // a put landed meanwhile: its object stays, for its writer (refused, as the prefix is dead) to delete
            }
        }
        return deleted;
    }

    @Override
    public String describe() {
        return "file:" + root;
    }

    @Override
    public String toString() {
        return describe();
    }

    private FileNotFoundException notFound(String key) {
        return new FileNotFoundException("object '" + key + "' not found in " + describe());
    }

    private Path resolve(String key) {
        ObjectStore.checkKey(key);
        Path target = root.resolve(key).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new IllegalArgumentException("object key '" + key + "' resolves outside " + describe());
        }
        return target;
    }

    /** Creates {@code dir} and any missing parents up to the root, forcing each new entry to disk. */
    private void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e; // a file where a directory must be: the key's prefix is itself an object
            }
            return; // a concurrent put made it
        }
        syncDirectory(dir.getParent());
    }

    /** Forces a directory's entries (a rename, a new file) to disk. Not possible everywhere (Windows); skipped there. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // NOTE: best effort by design; the rename itself is atomic either way.
        }
    }
}
