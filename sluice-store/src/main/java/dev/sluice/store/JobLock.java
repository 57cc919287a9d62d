package dev.sluice.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * One process per job on SQLite: an OS file lock on {@code <database>-job-<name>.lock}, next to the database file,
 * held while the job runs. The lock file holds the owner's pid and host so a refused process can say who runs it.
 *
 * <p>What must stay true: the lock is the operating system's ({@link FileChannel#tryLock()}, {@code fcntl} on Linux),
 * so it ends with its process, however that ends: a {@code kill -9} of the owner never blocks the resume that follows,
 * and no lease has to time out. The file itself is never deleted — deleting a lock file races with a process that
 * opened it just before and would then lock an unlinked inode while a third locks a new file. PostgreSQL needs no
 * such lock: there, processes on one job cooperate through leased segments.
 */
public final class JobLock implements AutoCloseable {
    /** Another process (or another run in this one) holds the job. */
    public static final class JobBusy extends StoreException {
        private static final long serialVersionUID = 1L;

        JobBusy(String message) {
            super(message);
        }
    }

    private static final JobLock NONE = new JobLock(null, null);

    private final FileChannel channel;
    private final FileLock lock;

    private JobLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes {@code job}'s lock for a database that has one file (SQLite); for any other database, returns a lock
     * that holds nothing.
     *
     * @throws JobBusy     if a live process holds it; the message names job, pid and host
     * @throws StoreException if the lock file cannot be created
     */
    public static JobLock acquire(DatabaseUrl db, String job) {
        Objects.requireNonNull(job, "job");
        if (db.kind() != DatabaseUrl.Kind.SQLITE || db.file().isEmpty()) {
            return NONE;
        }
        Path file = lockFile(db.file().get(), job);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("--db: cannot create the job lock " + file + " (" + e.getMessage() + ")", e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM holds it already
            }
            if (lock == null) {
                String owner = owner(channel);
                channel.close();
                throw new JobBusy("job " + job + " is running in " + owner
                        + "; use PostgreSQL to run several workers");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " host " + host() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new JobLock(channel, lock);
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StoreException("--db: cannot take the job lock " + file + " (" + e.getMessage() + ")", e);
        }
    }

    /** The lock file of {@code job} beside the database file {@code database}. */
    public static Path lockFile(Path database, String job) {
        return database.resolveSibling(database.getFileName() + "-job-" + job + ".lock");
    }

    /** "process P on host H", read from the lock file (its owner writes it once it holds the lock). */
    private static String owner(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(256);
        channel.read(buf, 0);
        String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
        String[] parts = text.split(" ");
        if (parts.length == 4 && parts[0].equals("pid") && parts[2].equals("host")) {
            return "process " + parts[1] + " on host " + parts[3];
        }
        return "another process (it has not written its pid yet)";
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "unknown" : env;
        }
    }

    @Override
    public void close() {
        if (channel == null) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // The lock ends with the channel or the process either way.
        }
    }
}
