package io.cloudsync.cache;

/** What a node of the volume tree is, from the type bits of its mode. */
public enum NodeType {
    FILE, DIRECTORY, SYMLINK, OTHER;

    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;
    static final int S_IFLNK = 0120000;

    static NodeType ofMode(int mode) {
        return switch (mode & S_IFMT) {
            case S_IFREG -> FILE;
            case S_IFDIR -> DIRECTORY;
            case S_IFLNK -> SYMLINK;
            default -> OTHER;
        };
    }
}
