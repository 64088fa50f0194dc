package io.cloudsync.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POSIX details on a mounted volume: O_EXCL, sparse truncate both ways, rename over a file, no extended attributes. */
@Tag("fuse")
class FusePosixDetailsTest {

    @TempDir
    Path tmp;
    MountedVolume v;

    @BeforeEach
    void mount() throws IOException {
        v = new MountedVolume(tmp, false);
    }

    @AfterEach
    void unmount() throws IOException {
        v.close();
    }

    @Test
    void anExclusiveCreateOfAnExistingNameFails() throws IOException {
        v.sh("echo first > f");
        assertThrows(FileAlreadyExistsException.class, () -> Files.newByteChannel(v.mnt.resolve("f"),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close());
        assertEquals("first\n", Files.readString(v.mnt.resolve("f")));
    }

    @Test
    void truncateExtendsWithAHoleOfZerosAndShrinks() throws IOException {
        v.sh("printf abc > t && truncate -s 8M t");
        assertEquals(8L << 20, Files.size(v.mnt.resolve("t")));
        long allocated = Long.parseLong(v.run("stat", "-c", "%b", v.dataDir.resolve("t").toString()).strip()) * 512;
        assertTrue(allocated < (1L << 20), "the extension is a hole, not 8 MiB of written zeros: " + allocated);
        byte[] expected = new byte[8 << 20];
        System.arraycopy("abc".getBytes(), 0, expected, 0, 3);
        assertArrayEquals(expected, Files.readAllBytes(v.mnt.resolve("t")));

        v.run("truncate", "-s", "2", "t");
        assertEquals("ab", Files.readString(v.mnt.resolve("t")));
    }

    @Test
    void renameOverAnExistingFileReplacesIt() throws IOException {
        v.sh("echo old > config && echo new > config.tmp && mv -f config.tmp config");
        assertEquals("new\n", Files.readString(v.mnt.resolve("config")));
        assertEquals("config\n", v.sh("ls"));
    }

    @Test
    void writesAtAnyOffsetLandWhereTheyAreAsked() throws IOException {
        v.sh("printf 0123456789 > w");
        try (var ch = Files.newByteChannel(v.mnt.resolve("w"), StandardOpenOption.WRITE)) {
            ch.position(3).write(ByteBuffer.wrap("xy".getBytes()));
            ch.position(12).write(ByteBuffer.wrap("z".getBytes()));
        }
        assertArrayEquals(new byte[] {'0', '1', '2', 'x', 'y', '5', '6', '7', '8', '9', 0, 0, 'z'},
                Files.readAllBytes(v.mnt.resolve("w")));
    }

    @Test
    void extendedAttributesAreNotSupported() throws IOException {
        v.sh("echo x > f");
        UserDefinedFileAttributeView view = Files.getFileAttributeView(v.mnt.resolve("f"),
                UserDefinedFileAttributeView.class);
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> view.write("test", ByteBuffer.wrap("value".getBytes())));
        assertTrue(e.getMessage().endsWith("Operation not supported"), e.getMessage());
        assertEquals("x\n", Files.readString(v.mnt.resolve("f")));
    }
}
