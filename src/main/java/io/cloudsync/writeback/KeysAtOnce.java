package io.cloudsync.writeback;

import io.cloudsync.store.StoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one store request per key or name, {@code parallel} at a time: the copies or the deletions of a directory
 * rename, the looks for what a listing left out. Each is a round trip that moves no bytes through the plugin, so
 * one at a time the rename of a directory of 1000 files waits for 2000 round trips in a row. Returns once every
 * request ended; the first failure is thrown as it was (the others' as suppressed), and no request starts after
 * one failed.
 */
final class KeysAtOnce {

    /** One request for one key. */
    interface Request {
        void run(String key) throws StoreException;
    }

    private KeysAtOnce() {
    }

    static void run(List<String> keys, int parallel, Request request) throws StoreException {
        if (keys.size() <= 1 || parallel <= 1) {
            for (String key : keys) {
                request.run(key);
            }
            return;
        }
        Semaphore permits = new Semaphore(parallel);
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<?>> running = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String key : keys) {
                permits.acquire();
                if (failed.get()) {
                    permits.release();
                    break;
                }
                running.add(pool.submit(() -> {
                    try {
                        request.run(key);
                        return null;
                    } catch (StoreException | RuntimeException e) {
                        failed.set(true);
                        throw e;
                    } finally {
                        permits.release();
                    }
                }));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Transient("interrupted while " + keys.size() + " store requests ran", e);
        }
        Throwable first = null;
        for (Future<?> f : running) {
            try {
                f.get(); // all ended: the pool's close waited for them
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause();
                } else {
                    first.addSuppressed(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException.Transient("interrupted while " + keys.size() + " store requests ran", e);
            }
        }
        switch (first) {
            case null -> { }
            case StoreException se -> throw se;
            case RuntimeException re -> throw re;
            case Error error -> throw error;
            default -> throw new IllegalStateException("a store request failed", first);
        }
    }
}
