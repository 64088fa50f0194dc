package io.cloudsync.cache;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Lists directories from the bucket the first time they are looked at, so a volume over a prefix that already
 * holds data mounts at once and shows it. A listed directory gets its children as cache nodes: directories
 * (themselves unlisted), symlinks, special files (FIFOs, devices, sockets: made, never opened), and placeholder
 * files of the right size and attributes whose bytes stay in the bucket until read ({@link Placeholders}). Nothing
 * of this is journaled: it is the bucket's state, not a change. A special file, like a symlink, is never replaced
 * or removed by a refresh: without extended attributes (Linux allows none on them) nothing says it equals the
 * bucket.
 *
 * <p>Invariant: a local node exists below a directory only once that directory is listed, because every operation
 * on a path lists the path's ancestors first. So a listing never meets a local change to merge with; names that
 * exist are skipped (a listing cut short by a crash is simply done again).
 *
 * <p>Refresh: a listed directory looked at again more than {@code refresh-interval} after its last listing (or ten
 * times as long as that listing took, if later: {@link RefreshSchedule}) is listed again, and what other tools
 * changed in the bucket meanwhile comes in: new names appear; a file or an unlisted directory whose object is gone
 * disappears (once the bucket, asked for that name alone, confirms it: some servers' listings leave out objects
 * that exist); a file whose object has a new version becomes a placeholder of that version. Only nodes that equal
 * the bucket are touched ("clean": the file still has the size and mtime of the version it was listed or uploaded
 * as, is not open, and no journal record waits for its path); a name with a local change waiting keeps the local
 * state (see docs/SEMANTICS.md for conflicts). A refresh that fails (store unreachable) keeps the local view and is
 * tried again when the schedule says. A refresh lists from the bucket on a thread of its own without the listing
 * lock, and a look waits for it {@link #REFRESH_WAIT_MILLIS} at most.
 */
final class RemoteListing {

    private static final Logger LOG = Logger.getLogger(RemoteListing.class.getName());
    /** How long a look at a stale directory waits for its refresh before it answers with what the volume has. */
    static final long REFRESH_WAIT_MILLIS = 2000;

    /**
     * Which paths a refresh must not touch now: open files, and paths that journal records still waiting concern
     * (below a pending directory rename, everything on both sides).
     */
    interface BusyPaths {
        java.util.function.Predicate<String> now();
    }

    private final CachePaths paths;
    private final RemoteTree remote;
    private final RefreshSchedule schedule;
    private final BusyPaths busy;
    private final StaleEntries stale;
    /** The last listing of each directory known to be listed. Forgotten on rename and rmdir. */
    private final java.util.Map<String, RefreshSchedule.Listed> listedAt = new ConcurrentHashMap<>();
    private final Object listingLock = new Object();
    /** Refreshes under way, by directory: a look that finds one running waits for it instead of starting another. */
    private final java.util.Map<String, Refresh> refreshing = new ConcurrentHashMap<>();
    private final java.util.concurrent.Executor refresher =
            java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("refresh-", 0).factory());

    /** @param schedule how old a listing may get before a look at the directory lists it again */
    RemoteListing(CachePaths paths, RemoteTree remote, RefreshSchedule schedule, BusyPaths busy,
                  StaleEntries stale) throws IOException {
        emptyStaging(paths.staging());
        this.paths = paths;
        this.stale = stale;
        this.remote = remote;
        this.schedule = schedule;
        this.busy = busy;
    }

    /** Makes the staging directory, or empties it of what a crash left in the middle of a refresh. */
    private static void emptyStaging(Path staging) throws IOException {
        Files.createDirectories(staging);
        try (var leftovers = Files.newDirectoryStream(staging)) {
            for (Path leftover : leftovers) {
                Files.delete(leftover); // only placeholder files are made there
            }
        }
    }

    private boolean fresh(String dir) {
        return schedule.isFresh(listedAt.get(dir));
    }

    /**
     * Lists every ancestor of {@code rel} (journal form) that is not yet listed, from the root down; the parent of
     * {@code rel}, if its listing is stale, is refreshed first (waiting {@link #REFRESH_WAIT_MILLIS} at most).
     */
    void ensureParentsListed(String rel) throws IOException {
        ensureListed(parentOf(rel), true);
    }

    /** Lists {@code dir} and its ancestors if they are not yet listed; refreshes {@code dir} if it is stale. */
    void ensureListed(String dir) throws IOException {
        ensureListed(dir, true);
    }

    /**
     * A stale ancestor is only set refreshing, not waited for: the answer depends on the directory looked into.
     * A directory never listed is listed before the answer, however long that takes: there is nothing to show.
     */
    private void ensureListed(String dir, boolean awaitRefresh) throws IOException {
        if (fresh(dir)) {
            return;
        }
        if (!dir.isEmpty()) {
            ensureListed(parentOf(dir), false);
        }
        if (listedAt.containsKey(dir)) {
            refresh(dir, awaitRefresh);
            return;
        }
        synchronized (listingLock) {
            if (listedAt.containsKey(dir)) {
                return; // listed meanwhile
            }
            Path local = paths.file(dir);
            if (!Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS)) {
                return; // nothing to list (the caller meets the missing node); not remembered, it may come later
            }
            long started = schedule.now();
            if (Placeholders.isUnlisted(local)) {
                // Making the children touches the directory's mtime; it keeps the one it was listed with.
                java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(local, LinkOption.NOFOLLOW_LINKS);
                for (RemoteEntry entry : remote.list(dir)) {
                    materialize(local, dir, entry);
                }
                NodeSetup.setTimes(local, null, mtime.toInstant());
                Placeholders.markListed(local);
            }
            listedAt.put(dir, schedule.listedSince(started));
        }
    }

    private static String parentOf(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    /** A refresh under way: what it will complete, and when it began (nanoTime). */
    private record Refresh(java.util.concurrent.CompletableFuture<Void> done, long startedNanos) {
    }

    /**
     * Refreshes {@code dir} on a thread of its own (one at a time per directory) and, if asked, waits for it a
     * short while: a slow or stalled object store must not hold a look at the volume for its I/O timeout. Looks
     * wait until the refresh has run {@link #REFRESH_WAIT_MILLIS}, not that long each: the listing of a huge
     * directory may take minutes, and each of the many looks that an {@code ls -l} of it makes would wait again.
     * A look that stops waiting answers with what the volume has; the refresh still comes in when it ends.
     */
    private void refresh(String dir, boolean await) {
        boolean[] started = {false};
        Refresh running = refreshing.computeIfAbsent(dir, d -> {
            started[0] = true;
            return new Refresh(java.util.concurrent.CompletableFuture.runAsync(() -> refreshNow(d), refresher),
                    System.nanoTime());
        });
        if (started[0]) {
            running.done().whenComplete((done, failure) -> refreshing.remove(dir, running));
        }
        long waitNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(REFRESH_WAIT_MILLIS)
                - (System.nanoTime() - running.startedNanos());
        if (!await || waitNanos <= 0) {
            return;
        }
        try {
            running.done().get(waitNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException slow) {
            LOG.fine(() -> "refreshing '" + dir + "' takes longer than " + REFRESH_WAIT_MILLIS + " ms; answering with"
                    + " what the volume has");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warning(() -> "refreshing '" + dir + "' failed: " + e.getCause());
        }
    }

    /**
     * Lists a listed directory again and looks for what the listing left out (without the listing lock), then takes
     * in what changed (with it).
     */
    private void refreshNow(String dir) {
        Before before = null;
        List<RemoteEntry> entries = null;
        Set<String> gone = Set.of();
        long started = schedule.now();
        try {
            before = lookBefore(dir);
            if (before != null) {
                List<RemoteEntry> listed = remote.list(dir, before.versions());
                gone = confirmGone(dir, before, listed);
                entries = listed;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning(() -> "refreshing '" + dir + "' from the bucket failed; the volume keeps what it has and tries"
                    + " again later: " + e);
        }
        synchronized (listingLock) {
            if (!listedAt.containsKey(dir)) {
                return; // renamed or removed meanwhile
            }
            if (entries != null) {
                apply(dir, before, entries, gone);
            }
            // After a failure too: tried again when the schedule says (an interval, or ten times the failed attempt).
            listedAt.put(dir, schedule.listedSince(started));
        }
    }

    /**
     * What a directory held just before the bucket was listed again: every name, and the bucket version each file
     * was synced as (directories as {@link RemoteTree#DIRECTORY}). A listing may take minutes, and the volume goes
     * on meanwhile: it is the truth about the bucket only for names that are still as they were before it.
     */
    private record Before(Set<String> names, java.util.Map<String, String> versions) {
    }

    /** What {@code dir} holds now (see {@link Before}); null if it is gone or was never listed. */
    private Before lookBefore(String dir) throws IOException {
        Path local = paths.file(dir);
        if (!Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS) || Placeholders.isUnlisted(local)) {
            return null;
        }
        Set<String> names = new java.util.HashSet<>();
        java.util.Map<String, String> versions = new java.util.HashMap<>();
        try (var stream = Files.newDirectoryStream(local)) {
            for (Path child : stream) {
                String name = child.getFileName().toString();
                names.add(name);
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    versions.put(name, RemoteTree.DIRECTORY);
                } else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)) {
                    Placeholders.synced(child).ifPresent(s -> versions.put(name, s.version()));
                }
            }
        }
        return new Before(names, versions);
    }

    /**
     * Of the names the volume had in sync with the bucket before the listing (files and directories) that the
     * listing left out, those the bucket really no longer holds. A server whose listing leaves out objects that are
     * there is warned about: the volume keeps them, and their directory would otherwise empty itself at random.
     */
    private Set<String> confirmGone(String dir, Before before, List<RemoteEntry> entries) throws IOException {
        Set<String> leftOut = new java.util.HashSet<>(before.versions().keySet());
        for (RemoteEntry e : entries) {
            leftOut.remove(e.name());
        }
        // What this volume is changing is left alone anyway, and its uploads may be moving it right now.
        java.util.function.Predicate<String> busyNow = busy.now();
        leftOut.removeIf(name -> busyNow.test(dir.isEmpty() ? name : dir + "/" + name));
        if (leftOut.isEmpty()) {
            return Set.of();
        }
        Set<String> gone = remote.confirmGone(dir, leftOut);
        if (gone.size() < leftOut.size()) {
            String example = leftOut.stream().filter(n -> !gone.contains(n)).findFirst().orElseThrow();
            LOG.warning(() -> "the bucket's listing of '" + dir + "' left out " + (leftOut.size() - gone.size())
                    + " objects that are still there (such as '" + example + "'); the volume keeps them: this"
                    + " server's listings do not always show all of its objects.");
        }
        return gone;
    }

    /**
     * Takes in the bucket's {@code entries} of {@code dir} (see the class comment); under the listing lock. Only
     * names that are as they were {@code before} the listing are touched: a name made, deleted or uploaded here
     * while the bucket was being listed may be missing from the listing or shown in an older state. A name the
     * listing left out is removed only if it is among those {@code gone} from the bucket.
     */
    private void apply(String dir, Before before, List<RemoteEntry> entries, Set<String> gone) {
        Path local = paths.file(dir);
        try {
            if (!Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            java.util.Map<String, Path> children = new java.util.HashMap<>();
            try (var stream = Files.newDirectoryStream(local)) {
                for (Path child : stream) {
                    children.put(child.getFileName().toString(), child);
                }
            }
            java.util.function.Predicate<String> busyNow = busy.now();
            java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(local, LinkOption.NOFOLLOW_LINKS);
            Set<String> inBucket = new java.util.HashSet<>();
            for (RemoteEntry e : entries) {
                inBucket.add(e.name());
                String rel = dir.isEmpty() ? e.name() : dir + "/" + e.name();
                Path child = children.get(e.name());
                if (busyNow.test(rel) || e.isUnchanged()) {
                    continue;
                }
                if (child == null) {
                    if (!before.names().contains(e.name())) {
                        materialize(local, dir, e); // not deleted here meanwhile: another tool's new object
                    }
                } else if (e.type() == NodeType.FILE && isCleanAsBefore(child, before.versions().get(e.name()))) {
                    replace(child, rel, e); // another tool replaced the object: the new version, as a placeholder
                    stale.entryChanged(rel);
                }
            }
            for (var c : children.entrySet()) {
                String rel = dir.isEmpty() ? c.getKey() : dir + "/" + c.getKey();
                if (inBucket.contains(c.getKey()) || !gone.contains(c.getKey()) || busyNow.test(rel)) {
                    continue;
                }
                Path child = c.getValue();
                boolean goneFile = isCleanAsBefore(child, before.versions().get(c.getKey()));
                boolean goneDir = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) && Placeholders.isUnlisted(child)
                        && before.names().contains(c.getKey());
                if (goneFile || goneDir) {
                    Files.delete(child); // another tool deleted the object (an unlisted directory is empty here)
                    forget(rel);
                    stale.entryChanged(rel);
                }
            }
            NodeSetup.setTimes(local, null, mtime.toInstant());
        } catch (IOException | RuntimeException e) {
            LOG.warning(() -> "taking in the bucket's changes of '" + dir + "' failed; the volume keeps what it has and"
                    + " tries again later: " + e);
        }
    }

    /**
     * The node is a regular file that equals the bucket as the version it was synced as before the listing began:
     * it still has the size and mtime it was listed or uploaded with, and was neither made nor uploaded again while
     * the bucket was being listed. Anything else (a FIFO, a device, a symlink) is never clean.
     */
    private static boolean isCleanAsBefore(Path file, String versionBefore) throws IOException {
        if (versionBefore == null) {
            return false;
        }
        var a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        java.util.Optional<Placeholders.Synced> synced = a.isRegularFile() ? Placeholders.synced(file)
                : java.util.Optional.empty();
        return synced.isPresent() && synced.get().version().equals(versionBefore)
                && synced.get().matches(a.size(), a.lastModifiedTime().toInstant());
    }

    /**
     * Makes the placeholder of {@code e} in the staging directory and renames it over {@code child}: the name
     * never disappears, so a look or a listing at the same moment sees the old file or the new one, never none.
     */
    private void replace(Path child, String rel, RemoteEntry e) throws IOException {
        Path staged = paths.staging().resolve("replacing"); // one at a time: refreshes apply under the listing lock
        try {
            makeNode(staged, rel, e);
            Files.move(staged, child, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException failure) {
            NodeSetup.deleteAfterFailure(staged, failure);
            throw failure;
        }
    }

    /** Lists {@code dir} and every directory below it (before a directory rename: see {@link TreeOperations}). */
    void ensureSubtreeListed(String dir) throws IOException {
        ensureListed(dir);
        Path local = paths.file(dir);
        if (!Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var children = Files.newDirectoryStream(local)) {
            for (Path child : children) {
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    ensureSubtreeListed(paths.relativize(child));
                }
            }
        }
    }

    /** Drops what is known about {@code dir} and below (it was renamed or removed). */
    void forget(String dir) {
        listedAt.keySet().removeIf(d -> CachePaths.isAtOrBelow(d, dir));
    }

    void materialize(Path parent, String parentRel, RemoteEntry e) throws IOException {
        if (!isUsableName(e.name())) {
            LOG.warning(() -> "bucket entry '" + e.name() + "' under '" + parentRel
                    + "' cannot be a file name here; it is left out of the volume");
            return;
        }
        Path node = parent.resolve(e.name());
        String rel = parentRel.isEmpty() ? e.name() : parentRel + "/" + e.name();
        if (Files.exists(node, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            makeNode(node, rel, e);
        } catch (FileAlreadyExistsException raced) {
            // made meanwhile by a listing of the same directory that a crash cut short: keep it
        } catch (IOException | RuntimeException failure) {
            NodeSetup.deleteAfterFailure(node, failure);
            throw failure;
        }
    }

    /** Makes {@code node}, the cache node of bucket entry {@code e} at volume path {@code rel}. */
    private static void makeNode(Path node, String rel, RemoteEntry e) throws IOException {
        switch (e.type()) {
            case DIRECTORY -> {
                Files.createDirectory(node, NodeSetup.permissions(e.permissions()));
                Placeholders.markUnlisted(node, rel);
                NodeSetup.applyModeAndOwner(node, e.permissions(), new Owner(e.uid(), e.gid()));
            }
            case SYMLINK -> {
                Files.createSymbolicLink(node, Path.of(e.target()));
                NodeSetup.setOwner(node, new Owner(e.uid(), e.gid()));
            }
            case FILE -> {
                Files.createFile(node, NodeSetup.permissions(e.permissions()));
                if (e.size() > 0) {
                    try (RandomAccessFile sparse = new RandomAccessFile(node.toFile(), "rw")) {
                        sparse.setLength(e.size()); // a hole: no space used until bytes are fetched
                    }
                    Placeholders.markRemote(node, e.version(), rel);
                }
                NodeSetup.applyModeAndOwner(node, e.permissions(), new Owner(e.uid(), e.gid()));
                Placeholders.markSynced(node, e.version(), e.size(), e.modifiedTime());
            }
            case FIFO, CHARACTER_DEVICE, BLOCK_DEVICE, SOCKET -> {
                materializeSpecial(node, rel, e);
                return;
            }
            default -> {
                return;
            }
        }
        NodeSetup.setTimes(node, null, e.modifiedTime());
    }

    /**
     * A FIFO, device or socket from the bucket, made without ever opening it (see {@link SpecialNodes}). One that
     * cannot be made here (a device while the plugin lacks CAP_MKNOD, say) is left out, logged, rather than failing
     * the listing of its whole directory.
     */
    private static void materializeSpecial(Path node, String rel, RemoteEntry e) throws IOException {
        try {
            SpecialNodes.make(node, e.type(), e.rdev());
        } catch (FileAlreadyExistsException raced) {
            throw raced;
        } catch (IOException cannot) {
            LOG.warning(() -> "bucket entry '" + rel + "' is a " + e.type() + " that cannot be made here (" + cannot
                    + "); it is left out of the volume");
            return;
        }
        SpecialNodes.chmod(node, e.permissions());
        NodeSetup.setOwner(node, new Owner(e.uid(), e.gid()));
        SpecialNodes.setTimes(node, null, e.modifiedTime()); // NIO's setTimes would open the node
    }

    private static boolean isUsableName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\0') < 0 && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255;
    }
}
