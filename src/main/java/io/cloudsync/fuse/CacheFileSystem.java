package io.cloudsync.fuse;

import io.cloudsync.cache.DirEntry;
import io.cloudsync.cache.NodeAttributes;
import io.cloudsync.cache.Owner;
import io.cloudsync.cache.SpaceUsage;
import io.cloudsync.cache.VolumeCache;
import org.cryptomator.jfuse.api.DirFiller;
import org.cryptomator.jfuse.api.Errno;
import org.cryptomator.jfuse.api.FileInfo;
import org.cryptomator.jfuse.api.FuseConfig;
import org.cryptomator.jfuse.api.FuseConnInfo;
import org.cryptomator.jfuse.api.FuseOperations;
import org.cryptomator.jfuse.api.Stat;
import org.cryptomator.jfuse.api.Statvfs;
import org.cryptomator.jfuse.api.TimeSpec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The FUSE callbacks of one volume. Each one delegates to {@link VolumeCache} and turns any failure into an errno
 * through {@link ErrnoMapper}; none throws into native code. mknod (FIFOs, devices, sockets) and the refusal of hard
 * links with EPERM are bound outside jfuse (see {@link UnboundOperations}); xattrs and locks are not bound, so
 * libfuse answers ENOSYS and the kernel reports them unsupported.
 */
public final class CacheFileSystem implements FuseOperations {

    private static final Logger LOG = Logger.getLogger(CacheFileSystem.class.getName());
    static final int ONE_MIB = 1 << 20;
    private static final int RENAME_NOREPLACE = 1;
    private static final int RENAME_EXCHANGE = 2;
    /** libfuse (without hard_remove) renames a file unlinked while open to this name until its last release. */
    private static final String LIBFUSE_HIDDEN_PREFIX = ".fuse_hidden";

    private final VolumeCache cache;
    private final Errno errno;
    private final ErrnoMapper errors;
    private final FuseCallerContext callers;
    private final OpenDirectories directories = new OpenDirectories();
    private volatile boolean kernelWritebackCache;
    /** libfuse's {@code struct fuse *} of this mount, read from the context of the init callback. */
    private volatile java.lang.foreign.MemorySegment fuseHandle;

    /** {@code callers} may be null: new nodes are then owned by this process. */
    CacheFileSystem(VolumeCache cache, Errno errno, FuseCallerContext callers) {
        this.cache = cache;
        this.errno = errno;
        this.errors = new ErrnoMapper(errno);
        this.callers = callers;
    }

    @Override
    public Errno errno() {
        return errno;
    }

    @Override
    public Set<Operation> supportedOperations() {
        return EnumSet.of(Operation.INIT, Operation.DESTROY, Operation.GET_ATTR, Operation.OPEN_DIR,
                Operation.READ_DIR, Operation.RELEASE_DIR,
                Operation.CREATE, Operation.OPEN, Operation.READ, Operation.WRITE, Operation.TRUNCATE,
                Operation.FLUSH, Operation.RELEASE, Operation.FSYNC, Operation.FSYNCDIR, Operation.UNLINK,
                Operation.MKDIR, Operation.RMDIR, Operation.RENAME, Operation.CHMOD, Operation.CHOWN,
                Operation.UTIMENS, Operation.STATFS, Operation.SYMLINK, Operation.READLINK);
    }

    /** Whether the kernel took the writeback cache at init (it then handles O_APPEND, size and mtime itself). */
    boolean kernelWritebackCache() {
        return kernelWritebackCache;
    }

    /** libfuse's handle of this mount (for kernel notifications); null before init or if it could not be read. */
    java.lang.foreign.MemorySegment fuseHandle() {
        return fuseHandle;
    }

    @Override
    public void init(FuseConnInfo conn, FuseConfig cfg) {
        try {
            fuseHandle = callers == null ? null : callers.fuse();
            if ((conn.capable() & FuseConnInfo.FUSE_CAP_WRITEBACK_CACHE) != 0) {
                conn.setWant(conn.want() | FuseConnInfo.FUSE_CAP_WRITEBACK_CACHE);
                kernelWritebackCache = true;
            } else {
                LOG.warning("the kernel offers no FUSE writeback cache for " + cache.dataDir() + ": writes are slower");
            }
            conn.setMaxRead(ONE_MIB); // must equal -o max_read, or libfuse aborts the mount (EPROTO)
            conn.setMaxReadahead(ONE_MIB);
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.SEVERE, "FUSE init of " + cache.dataDir() + " failed", e);
        }
    }

    @Override
    public void destroy() {
        cache.closeOpenFiles();
    }

    @Override
    public int getattr(String path, Stat stat, FileInfo fi) {
        try {
            fill(stat, cache.attributes(path));
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("getattr", path, e);
        }
    }

    @Override
    public int opendir(String path, FileInfo fi) {
        fi.setFh(directories.open());
        return 0;
    }

    /**
     * Entries carry their offsets ("." 1, ".." 2, the listing's entry i i + 3) so that READDIRPLUS replies reach the
     * kernel with their attributes (see {@link OpenDirectories}); a read from offset 0 lists the directory again.
     */
    @Override
    public int readdir(String path, DirFiller filler, long offset, FileInfo fi, int flags) {
        try {
            List<DirEntry> entries = directories.listing(fi.getFh());
            if (offset == 0 || entries == null) {
                entries = cache.list(path);
                directories.keep(fi.getFh(), entries);
            }
            int plus = (flags & FUSE_READDIR_PLUS) != 0 ? DirFiller.FUSE_FILL_DIR_PLUS : 0;
            if (offset < 1 && filler.fill(".", st -> st.setMode(Stat.S_IFDIR), 1, 0) != 0) {
                return 0; // the reply is full (the kernel asks again from the last offset it took), or libfuse keeps an error
            }
            if (offset < 2 && filler.fill("..", st -> st.setMode(Stat.S_IFDIR), 2, 0) != 0) {
                return 0;
            }
            for (long i = Math.max(0, offset - 2); i < entries.size(); i++) {
                DirEntry entry = entries.get((int) i);
                if (filler.fill(entry.name(), st -> fill(st, entry.attributes()), i + 3, plus) != 0) {
                    return 0;
                }
            }
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("readdir", path, e);
        }
    }

    @Override
    public int releasedir(String path, FileInfo fi) {
        directories.release(fi.getFh());
        return 0;
    }

    @Override
    public int create(String path, int mode, FileInfo fi) {
        try {
            fi.setFh(cache.create(path, mode, caller(), openOptions(fi)));
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("create", path, e);
        }
    }

    @Override
    public int open(String path, FileInfo fi) {
        try {
            fi.setFh(cache.open(path, openOptions(fi)));
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("open", path, e);
        }
    }

    /** The open's flags; O_APPEND only when the kernel does not already turn appends into writes at the end. */
    private Set<? extends OpenOption> openOptions(FileInfo fi) {
        Set<StandardOpenOption> options = fi.getOpenFlags();
        if (kernelWritebackCache) {
            options.remove(StandardOpenOption.APPEND);
        }
        return options;
    }

    @Override
    public int read(String path, ByteBuffer buf, long count, long offset, FileInfo fi) {
        try {
            return cache.read(fi.getFh(), buf, offset);
        } catch (Throwable e) {
            return errors.toErrno("read", path, e);
        }
    }

    @Override
    public int write(String path, ByteBuffer buf, long count, long offset, FileInfo fi) {
        try {
            return cache.write(fi.getFh(), buf, offset);
        } catch (Throwable e) {
            return errors.toErrno("write", path, e);
        }
    }

    @Override
    public int truncate(String path, long size, FileInfo fi) {
        try {
            if (fi != null) {
                cache.truncate(fi.getFh(), size);
            } else {
                cache.truncate(path, size);
            }
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("truncate", path, e);
        }
    }

    @Override
    public int flush(String path, FileInfo fi) {
        try {
            cache.flush(fi.getFh());
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("flush", path, e);
        }
    }

    @Override
    public int release(String path, FileInfo fi) {
        try {
            cache.release(fi.getFh());
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("release", path, e);
        }
    }

    @Override
    public int fsync(String path, int datasync, FileInfo fi) {
        try {
            cache.fsync(fi.getFh(), datasync != 0);
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("fsync", path, e);
        }
    }

    @Override
    public int fsyncdir(String path, int datasync, FileInfo fi) {
        try {
            cache.syncDirectory(path == null ? "/" : path);
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("fsyncdir", path, e);
        }
    }

    @Override
    public int unlink(String path) {
        try {
            cache.unlink(path);
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("unlink", path, e);
        }
    }

    @Override
    public int mkdir(String path, int mode) {
        try {
            cache.mkdir(path, mode, caller());
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("mkdir", path, e);
        }
    }

    /**
     * Not a jfuse operation: {@link UnboundOperations} routes libfuse's mknod here. libfuse sends regular files to
     * {@link #create}; this makes FIFOs, devices and sockets ({@code mode} has the type bits).
     */
    int mknod(String path, int mode, long rdev) {
        try {
            cache.mknod(path, mode, rdev, caller());
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("mknod", path, e);
        }
    }

    @Override
    public int rmdir(String path) {
        try {
            cache.rmdir(path);
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("rmdir", path, e);
        }
    }

    @Override
    public int rename(String oldpath, String newpath, int flags) {
        try {
            if ((flags & RENAME_EXCHANGE) != 0) {
                return -errno.einval(); // what rename(2) answers on filesystems without RENAME_EXCHANGE
            }
            if (newpath.substring(newpath.lastIndexOf('/') + 1).startsWith(LIBFUSE_HIDDEN_PREFIX)) {
                cache.hideOpenFile(oldpath, newpath);
            } else {
                cache.rename(oldpath, newpath, (flags & RENAME_NOREPLACE) != 0);
            }
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("rename", oldpath + " -> " + newpath, e);
        }
    }

    @Override
    public int chmod(String path, int mode, FileInfo fi) {
        try {
            cache.chmod(path, mode);
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("chmod", path, e);
        }
    }

    @Override
    public int chown(String path, int uid, int gid, FileInfo fi) {
        try {
            cache.chown(path, uid, gid);
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("chown", path, e);
        }
    }

    @Override
    public int utimens(String path, TimeSpec atime, TimeSpec mtime, FileInfo fi) {
        try {
            Instant a = atime.getOptional().orElse(null);
            Instant m = mtime.getOptional().orElse(null);
            if (fi != null) {
                cache.setTimes(fi.getFh(), a, m);
            } else {
                cache.setTimes(path, a, m);
            }
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("utimens", path, e);
        }
    }

    @Override
    public int statfs(String path, Statvfs statvfs) {
        try {
            SpaceUsage space = cache.space();
            long block = space.blockSize();
            statvfs.setBsize(block);
            statvfs.setFrsize(block);
            statvfs.setBlocks(space.totalBytes() / block);
            statvfs.setBfree(space.freeBytes() / block);
            statvfs.setBavail(space.availableBytes() / block);
            statvfs.setNameMax(255);
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("statfs", path, e);
        }
    }

    /**
     * jfuse hands libfuse's {@code symlink(from, to)} through unchanged: the first argument is the link's content,
     * the second the path of the new link (whatever jfuse's parameter names say).
     */
    @Override
    public int symlink(String content, String linkPath) {
        try {
            cache.symlink(linkPath, content, caller());
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("symlink", linkPath, e);
        }
    }

    @Override
    public int readlink(String path, ByteBuffer buf, long len) {
        try {
            byte[] target = cache.readlink(path).getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(target.length, len - 1); // truncated as readlink(2) does, NUL-terminated
            buf.put(target, 0, n).put((byte) 0);
            return 0;
        } catch (Throwable e) {
            return errors.toErrno("readlink", path, e);
        }
    }

    private Owner caller() {
        return callers == null ? null : callers.caller();
    }

    private static void fill(Stat stat, NodeAttributes a) {
        stat.setMode(a.mode());
        stat.setUid(a.uid());
        stat.setGid(a.gid());
        stat.setSize(a.size());
        stat.setNLink((short) Math.min(a.nlink(), Short.MAX_VALUE));
        stat.aTime().set(a.accessTime());
        stat.mTime().set(a.modifiedTime());
        stat.cTime().set(a.changeTime());
        if (a.rdev() != 0) {
            StatDeviceNumber.set(stat, a.rdev());
        }
    }
}
