package dev.sluice.testing;

import dev.sluice.objects.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;

/**
 * An {@link ObjectStore} in memory that keeps the interface's promises (atomic put, replace on put, keys checked,
 * missing is {@link FileNotFoundException}); the object stores' contract test runs against it too.
 * {@link #failPuts} makes chosen puts fail, as an unreachable store would. Thread-safe.
 */
public final class MemoryObjectStore implements ObjectStore {
    private final ConcurrentMap<String, byte[]> objects = new ConcurrentHashMap<>();
    private volatile Predicate<String> failing = key -> false;

    /** From now on a put of a key that {@code when} accepts throws an {@link IOException}, storing nothing. */
    public void failPuts(Predicate<String> when) {
        this.failing = when;
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        ObjectStore.checkKey(key);
        if (length < 0 || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("object '" + key + "': length " + length + " must be in 0.."
                    + Integer.MAX_VALUE + " in memory");
        }
        if (failing.test(key)) {
            throw new IOException("object '" + key + "': injected failure of " + describe());
        }
        byte[] bytes = data.readNBytes((int) length);
        if (bytes.length < length) {
            throw new EOFException("object '" + key + "': the stream ended after " + bytes.length + " of " + length
                    + " bytes");
        }
        objects.put(key, bytes);
    }

    @Override
    public InputStream get(String key) throws IOException {
        byte[] bytes = objects.get(ObjectStore.checkKey(key));
        if (bytes == null) {
            throw new FileNotFoundException("no object '" + key + "' in " + describe());
        }
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public void delete(String key) {
        objects.remove(ObjectStore.checkKey(key));
    }

    @Override
    public int deleteAll(String prefix) {
        String under = ObjectStore.checkKey(prefix) + "/";
        int deleted = 0;
        for (String key : objects.keySet()) {
            if (key.startsWith(under) && objects.remove(key) != null) {
                deleted++;
            }
        }
        return deleted;
    }

    /** Whether an object is stored under {@code key}. */
    public boolean contains(String key) {
        return objects.containsKey(key);
    }

    /** Every key stored, in order. */
    public Set<String> keys() {
        return new TreeSet<>(objects.keySet());
    }

    @Override
    public String describe() {
        return "memory:";
    }
}
