package io.cloudsync.fuse;

import io.cloudsync.cache.UnknownHandleException;
import org.cryptomator.jfuse.api.Errno;
import org.cryptomator.jfuse.api.Fuse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.ReadOnlyFileSystemException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each failure a program can meet gets the errno it expects; anything unknown is EIO. */
class ErrnoMapperTest {

    private final Errno errno = Fuse.builder().errno();
    private final ErrnoMapper mapper = new ErrnoMapper(errno);

    private int map(Throwable e) {
        return -mapper.toErrno("test", "/p", e);
    }

    @Test
    void knownFailuresMapToTheirErrno() {
        assertEquals(errno.enoent(), map(new NoSuchFileException("/p")));
        assertEquals(errno.eexist(), map(new FileAlreadyExistsException("/p")));
        assertEquals(errno.enotempty(), map(new DirectoryNotEmptyException("/p")));
        assertEquals(errno.eacces(), map(new AccessDeniedException("/p")));
        assertEquals(errno.enotdir(), map(new NotDirectoryException("/p")));
        assertEquals(errno.erofs(), map(new ReadOnlyFileSystemException()));
        assertEquals(errno.ebadf(), map(new UnknownHandleException(7)));
        assertEquals(errno.einval(), map(new InvalidPathException("/../x", "escapes")));
    }

    @Test
    void nioReasonsMapToTheirErrno() {
        assertEquals(errno.enotdir(), map(new FileSystemException("/p", null, "Not a directory")));
        assertEquals(errno.eisdir(), map(new FileSystemException("/p", null, "Is a directory")));
        assertEquals(errno.enotempty(), map(new FileSystemException("/a", "/b", "Directory not empty")));
        assertEquals(ErrnoMapper.ENOSPC, map(new FileSystemException("/p", null, "No space left on device")));
        assertEquals(ErrnoMapper.ENOSPC, map(new IOException("No space left on device")));
        assertEquals(errno.einval(), map(new FileSystemException("/a", "/a/b", "Invalid argument")));
        assertEquals(ErrnoMapper.ELOOP, map(new FileSystemException("/p", null,
                "Too many levels of symbolic links or unable to access attributes of symbolic link")));
    }

    @Test
    void aFullDiskUnderAWrappingExceptionIsStillEnospc() {
        IOException journalFull = new IOException("cannot journal the close of /f",
                new IOException("No space left on device"));
        assertEquals(ErrnoMapper.ENOSPC, map(journalFull));
        assertEquals(errno.eio(), map(new IOException("cannot journal", new IOException("disk on fire"))));
    }

    @Test
    void anythingElseIsAnIoError() {
        assertEquals(errno.eio(), map(new IOException("disk on fire")));
        assertEquals(errno.eio(), map(new FileSystemException("/p")));
        assertEquals(errno.eio(), map(new IllegalStateException("bug")));
        assertEquals(errno.eio(), map(new NullPointerException()));
    }
}
