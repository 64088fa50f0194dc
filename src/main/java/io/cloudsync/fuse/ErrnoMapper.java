package io.cloudsync.fuse;

import io.cloudsync.cache.UnknownHandleException;
import org.cryptomator.jfuse.api.Errno;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where a failure becomes an errno for the kernel. Known failures (the caller's mistake or the state
 * of the tree) map to their errno and are logged at FINE; anything else is EIO and logged as a WARNING with its
 * stack trace, because it is a bug or a broken disk.
 */
final class ErrnoMapper {

    private static final Logger LOG = Logger.getLogger(ErrnoMapper.class.getName());

    // Linux values (x86_64 and aarch64) of the errnos jfuse's Errno does not name.
    static final int EPERM = 1;
    static final int EIO = 5;
    static final int EXDEV = 18;
    static final int EBUSY = 16;
    static final int EFBIG = 27;
    static final int ENOSPC = 28;
    static final int ELOOP = 40;
    static final int EDQUOT = 122;

    private final Errno errno;
    /** NIO reports most failures as a FileSystemException whose reason is the strerror text of the errno. */
    private final Map<String, Integer> byReason;

    ErrnoMapper(Errno errno) {
        this.errno = errno;
        this.byReason = Map.ofEntries(
                Map.entry("No such file or directory", errno.enoent()),
                Map.entry("File exists", errno.eexist()),
                Map.entry("Not a directory", errno.enotdir()),
                Map.entry("Is a directory", errno.eisdir()),
                Map.entry("Directory not empty", errno.enotempty()),
                Map.entry("Permission denied", errno.eacces()),
                Map.entry("Operation not permitted", EPERM),
                Map.entry("Read-only file system", errno.erofs()),
                Map.entry("No space left on device", ENOSPC),
                Map.entry("Disk quota exceeded", EDQUOT),
                Map.entry("File too large", EFBIG),
                Map.entry("File name too long", errno.enametoolong()),
                Map.entry("Invalid argument", errno.einval()),
                Map.entry("Invalid cross-device link", EXDEV),
                Map.entry("Device or resource busy", EBUSY),
                Map.entry("Operation not supported", errno.enotsup()));
    }

    /** The negated errno for a failure of {@code operation} on {@code path}, logged as the class comment says. */
    int toErrno(String operation, String path, Throwable failure) {
        int code = classify(failure);
        // Layers wrap failures to add context (the journal, say); a full disk under the wrapping is still ENOSPC.
        for (Throwable cause = failure.getCause(); code == errno.eio() && cause != null && cause != failure;
             cause = cause.getCause()) {
            code = classify(cause);
        }
        if (code == errno.eio()) {
            LOG.log(Level.WARNING, operation + " " + path + " failed: " + failure, failure);
        } else if (LOG.isLoggable(Level.FINE)) {
            LOG.fine(operation + " " + path + ": " + failure);
        }
        return -code;
    }

    private int classify(Throwable e) {
        return switch (e) {
            case NoSuchFileException x -> errno.enoent();
            case FileAlreadyExistsException x -> errno.eexist();
            case DirectoryNotEmptyException x -> errno.enotempty();
            case AccessDeniedException x -> errno.eacces();
            case NotDirectoryException x -> errno.enotdir();
            case FileSystemException x -> byReason(x.getReason());
            case ReadOnlyFileSystemException x -> errno.erofs();
            case UnknownHandleException x -> errno.ebadf();
            case ClosedChannelException x -> errno.ebadf();
            case NonWritableChannelException x -> errno.ebadf();
            case NonReadableChannelException x -> errno.ebadf();
            case InvalidPathException x -> errno.einval();
            case UnsupportedOperationException x -> errno.enotsup();
            case OutOfMemoryError x -> errno.enomem();
            // FileChannel reports a full disk as a plain IOException carrying the strerror text.
            case java.io.IOException x -> byReason(x.getMessage());
            default -> errno.eio();
        };
    }

    private int byReason(String reason) {
        if (reason == null) {
            return errno.eio();
        }
        Integer code = byReason.get(reason);
        if (code != null) {
            return code;
        }
        if (reason.startsWith("Too many levels of symbolic links")) {
            return ELOOP;
        }
        return errno.eio();
    }
}
