package dev.sluice.sim.stripe.internal;

import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/** A read-write lock held around a piece of code: many readers at once, one writer alone. */
final class Guarded {

    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    <T> T read(Supplier<T> body) {
        lock.readLock().lock();
        try {
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    <T> T write(Supplier<T> body) {
        lock.writeLock().lock();
        try {
            return body.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    void write(Runnable body) {
        write(() -> {
            body.run();
            return null;
        });
    }
}
