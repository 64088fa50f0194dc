package io.cloudsync.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** The open handles of one volume, by handle number. Lock-free lookups; handle numbers never repeat. */
final class OpenFiles {

    private final AtomicLong lastHandle = new AtomicLong();
    private final ConcurrentHashMap<Long, OpenFile> byHandle = new ConcurrentHashMap<>();

    long nextHandle() {
        return lastHandle.incrementAndGet();
    }

    void add(OpenFile file) {
        byHandle.put(file.handle, file);
    }

    OpenFile get(long handle) throws UnknownHandleException {
        OpenFile file = byHandle.get(handle);
        if (file == null) {
            throw new UnknownHandleException(handle);
        }
        return file;
    }

    OpenFile remove(long handle) throws UnknownHandleException {
        OpenFile file = byHandle.remove(handle);
        if (file == null) {
            throw new UnknownHandleException(handle);
        }
        return file;
    }

    /** Whether {@code path} has an open handle now. */
    boolean isOpen(String path) {
        for (OpenFile file : byHandle.values()) {
            if (file.path().equals(path)) {
                return true;
            }
        }
        return false;
    }

    /** What the handles open on {@code path} fetched and have not recorded yet (see {@link RemoteContent}). */
    List<FetchedRanges> fetchedRangesOf(String path) {
        List<FetchedRanges> out = new ArrayList<>();
        for (OpenFile file : byHandle.values()) {
            FetchedRanges fetched = file.fetched;
            if (fetched != null && file.path().equals(path)) {
                out.add(fetched);
            }
        }
        return out;
    }

    /** Every open handle now. */
    List<OpenFile> all() {
        return new ArrayList<>(byHandle.values());
    }

    /** The volume paths that have an open handle now. */
    java.util.Set<String> openPaths() {
        java.util.Set<String> paths = new java.util.HashSet<>();
        for (OpenFile file : byHandle.values()) {
            paths.add(file.path());
        }
        return paths;
    }

    /** Removes and returns every open handle (unmount). */
    List<OpenFile> removeAll() {
        List<OpenFile> all = new ArrayList<>();
        for (Long handle : byHandle.keySet()) {
            OpenFile file = byHandle.remove(handle);
            if (file != null) {
                all.add(file);
            }
        }
        return all;
    }

    int size() {
        return byHandle.size();
    }

    /**
     * Points the handles of files at or below {@code from} to their new place below {@code to}. Linear in the
     * number of open handles, which is small next to the cost of the rename itself.
     */
    void moved(String from, String to, Predicate<String> hidden) {
        for (OpenFile file : byHandle.values()) {
            synchronized (file) {
                String path = file.pathLocked();
                if (CachePaths.isAtOrBelow(path, from)) {
                    String moved = CachePaths.rebase(path, from, to);
                    file.moveTo(moved, hidden.test(moved));
                }
            }
        }
    }
}
