package io.cloudsync.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A fake bucket for cache tests: entries by volume path, file bytes in memory, and counts of what was asked. */
final class FakeRemoteTree implements RemoteTree {

    private final Map<String, RemoteEntry> entries = new TreeMap<>();
    private final Map<String, byte[]> contents = new TreeMap<>();
    final List<String> listings = new CopyOnWriteArrayList<>();
    /** The directories whose left-out names were asked for, one element per {@link #confirmGone}. */
    final List<String> confirmations = new CopyOnWriteArrayList<>();
    final AtomicLong fetchedBytes = new AtomicLong();
    final AtomicLong fetches = new AtomicLong();
    /** Every fetch as {offset, length}, in order. */
    final List<long[]> fetchLog = new CopyOnWriteArrayList<>();

    synchronized FakeRemoteTree file(String path, byte[] content, int mode, int uid, int gid, Instant mtime) {
        entries.put(path, new RemoteEntry(name(path), NodeType.FILE, content.length, "v-" + path.hashCode(), mode,
                uid, gid, mtime, null));
        contents.put(path, content);
        return this;
    }

    synchronized FakeRemoteTree dir(String path, int mode) {
        entries.put(path, new RemoteEntry(name(path), NodeType.DIRECTORY, 0, null, mode, 0, 0, Instant.EPOCH, null));
        return this;
    }

    synchronized FakeRemoteTree symlink(String path, String target) {
        entries.put(path, new RemoteEntry(name(path), NodeType.SYMLINK, 0, null, 0777, 0, 0, Instant.EPOCH, target));
        return this;
    }

    /** Another tool replaced the object: a new version. */
    synchronized void replace(String path, byte[] content) {
        RemoteEntry e = entries.get(path);
        entries.put(path, new RemoteEntry(e.name(), e.type(), content.length, e.version() + "'", e.permissions(),
                e.uid(), e.gid(), e.modifiedTime(), null));
        contents.put(path, content);
    }

    /** The version the bucket holds at {@code path}, as an upload's answer gives it. */
    synchronized String version(String path) {
        return entries.get(path).version();
    }

    /** Another tool deleted the object. */
    synchronized void delete(String path) {
        entries.remove(path);
        contents.remove(path);
    }

    private final java.util.Set<String> leftOutOfListings = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Listings leave out the object at {@code path} although it is there, as some servers' listings do. */
    void leaveOutOfListings(String path) {
        leftOutOfListings.add(path);
    }

    private volatile java.util.concurrent.CountDownLatch stall = new java.util.concurrent.CountDownLatch(0);

    /** Listings hang (as on a server that accepts the connection and then stalls) until {@link #endStall}. */
    void stallListings() {
        stall = new java.util.concurrent.CountDownLatch(1);
    }

    void endStall() {
        stall.countDown();
    }

    private volatile boolean answerFromBeforeTheStall;

    /**
     * Listings take what the bucket holds at once and then hang until {@link #endStall}: a listing that answers
     * with the bucket as it was when it began, as a long listing of a real server does.
     */
    void stallListingsAfterTheirSnapshot() {
        answerFromBeforeTheStall = true;
        stallListings();
    }

    private volatile Runnable duringEachListing = () -> { };

    /** Runs {@code action} in every listing, as the server works on it: a test's clock moves on by its duration. */
    void duringEachListing(Runnable action) {
        duringEachListing = action;
    }

    @Override
    public List<RemoteEntry> list(String dir, Map<String, String> known) throws IOException {
        duringEachListing.run();
        List<RemoteEntry> snapshot = answerFromBeforeTheStall ? listNow(dir, known) : null;
        try {
            stall.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the fake server stalled", e);
        }
        return snapshot != null ? snapshot : listNow(dir, known);
    }

    private synchronized List<RemoteEntry> listNow(String dir, Map<String, String> known) {
        listings.add(dir);
        List<RemoteEntry> out = new ArrayList<>();
        for (Map.Entry<String, RemoteEntry> e : entries.entrySet()) {
            String parent = e.getKey().contains("/") ? e.getKey().substring(0, e.getKey().lastIndexOf('/')) : "";
            if (parent.equals(dir) && !leftOutOfListings.contains(e.getKey())) {
                RemoteEntry r = e.getValue();
                String knownVersion = known.get(r.name());
                boolean same = r.type() == NodeType.DIRECTORY ? RemoteTree.DIRECTORY.equals(knownVersion)
                        : r.version() != null && r.version().equals(knownVersion);
                out.add(same ? RemoteEntry.unchanged(r.name(), r.type(), r.size(), r.version()) : r);
            }
        }
        return out;
    }

    /** Asks for each name alone, as a HEAD does: what listings leave out is there. */
    @Override
    public synchronized java.util.Set<String> confirmGone(String dir, java.util.Set<String> leftOut) {
        confirmations.add(dir);
        java.util.Set<String> gone = new java.util.HashSet<>();
        for (String name : leftOut) {
            String path = dir.isEmpty() ? name : dir + "/" + name;
            boolean below = entries.keySet().stream().anyMatch(k -> k.startsWith(path + "/"));
            if (!entries.containsKey(path) && !below) {
                gone.add(name);
            }
        }
        return gone;
    }

    @Override
    public synchronized void fetch(String listedAs, String path, String version, long offset, long length,
                                   RangeSink into) throws IOException {
        RemoteEntry e = entries.get(listedAs);
        if (e == null || !e.version().equals(version)) {
            throw new RemoteContentChanged(path, "fake: no such version");
        }
        byte[] content = contents.get(listedAs);
        ByteBuffer range = ByteBuffer.wrap(content, (int) offset, (int) length);
        long at = offset;
        while (range.hasRemaining()) {
            at += into.write(range, at);
        }
        fetchedBytes.addAndGet(length);
        fetches.incrementAndGet();
        fetchLog.add(new long[] {offset, length});
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
