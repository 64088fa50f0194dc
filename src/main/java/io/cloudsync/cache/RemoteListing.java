package io.cloudsync.cache;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Lists directories from the bucket the first time they are looked at, so a volume over a prefix that already
 * holds data mounts at once and shows it. A listed directory gets its children as cache nodes: directories
 * (themselves unlisted), symlinks, and placeholder files of the right size and attributes whose bytes stay in the
 * bucket until read ({@link Placeholders}). Nothing of this is journaled: it is the bucket's state, not a change.
 *
 * <p>Invariant: a local node exists below a directory only once that directory is listed, because every operation
 * on a path lists the path's ancestors first. So a listing never meets a local change to merge with; names that
 * exist are skipped (a listing cut short by a crash is simply done again).
 */
final class RemoteListing {

    private static final Logger LOG = Logger.getLogger(RemoteListing.class.getName());

    private final CachePaths paths;
    private final RemoteTree remote;
    /** Directories known to be listed, so the common case costs no getxattr. Forgotten on rename and rmdir. */
    private final Set<String> listed = ConcurrentHashMap.newKeySet();
    private final Object listingLock = new Object();

    RemoteListing(CachePaths paths, RemoteTree remote) {
        this.paths = paths;
        this.remote = remote;
    }

    /** Lists every ancestor of {@code rel} (journal form) that is not yet listed, from the root down. */
    void ensureParentsListed(String rel) throws IOException {
        int slash = rel.lastIndexOf('/');
        ensureListed(slash < 0 ? "" : rel.substring(0, slash));
    }

    /** Lists {@code dir} and its ancestors if they are not yet listed. */
    void ensureListed(String dir) throws IOException {
        if (listed.contains(dir)) {
            return;
        }
        if (!dir.isEmpty()) {
            ensureParentsListed(dir);
        }
        synchronized (listingLock) {
            if (listed.contains(dir)) {
                return;
            }
            Path local = paths.file(dir);
            if (!Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS)) {
                return; // nothing to list (the caller meets the missing node); not remembered, it may come later
            }
            if (Placeholders.isUnlisted(local)) {
                // Making the children touches the directory's mtime; it keeps the one it was listed with.
                java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(local, LinkOption.NOFOLLOW_LINKS);
                for (RemoteEntry entry : remote.list(dir)) {
                    materialize(local, dir, entry);
                }
                NodeSetup.setTimes(local, null, mtime.toInstant());
                Placeholders.markListed(local);
            }
            listed.add(dir);
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
        listed.removeIf(d -> CachePaths.isAtOrBelow(d, dir));
    }

    private void materialize(Path parent, String parentRel, RemoteEntry e) throws IOException {
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
            switch (e.type()) {
                case DIRECTORY -> {
                    Files.createDirectory(node);
                    Placeholders.markUnlisted(node, rel);
                    NodeSetup.applyModeAndOwner(node, e.permissions(), new Owner(e.uid(), e.gid()));
                }
                case SYMLINK -> {
                    Files.createSymbolicLink(node, Path.of(e.target()));
                    NodeSetup.setOwner(node, new Owner(e.uid(), e.gid()));
                }
                case FILE -> {
                    Files.createFile(node);
                    if (e.size() > 0) {
                        try (RandomAccessFile sparse = new RandomAccessFile(node.toFile(), "rw")) {
                            sparse.setLength(e.size()); // a hole: no space used until bytes are fetched
                        }
                        Placeholders.markRemote(node, e.version(), rel);
                    }
                    NodeSetup.applyModeAndOwner(node, e.permissions(), new Owner(e.uid(), e.gid()));
                }
                default -> {
                    return;
                }
            }
            NodeSetup.setTimes(node, null, e.modifiedTime());
        } catch (FileAlreadyExistsException raced) {
            // made meanwhile by a listing of the same directory that a crash cut short: keep it
        } catch (IOException | RuntimeException failure) {
            NodeSetup.deleteAfterFailure(node, failure);
            throw failure;
        }
    }

    private static boolean isUsableName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\0') < 0 && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255;
    }
}
