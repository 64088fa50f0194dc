package io.cloudsync.cache;

/**
 * What a node of the volume tree is, from the type bits of its mode. FIFOs, devices and sockets are "special":
 * the kernel serves their I/O itself, so the plugin only ever creates, stats, renames and removes them, and never
 * opens one (a FIFO would block the opener until a peer comes).
 */
public enum NodeType {
    FILE(0100000), DIRECTORY(0040000), SYMLINK(0120000),
    FIFO(0010000), CHARACTER_DEVICE(0020000), BLOCK_DEVICE(0060000), SOCKET(0140000),
    /** Type bits Linux does not have; never made. */
    OTHER(0);

    private static final int S_IFMT = 0170000;

    private final int typeBits;

    NodeType(int typeBits) {
        this.typeBits = typeBits;
    }

    /** The S_IF... bits of this type ({@code S_IFIFO} for a FIFO, say). */
    public int typeBits() {
        return typeBits;
    }

    /** A FIFO, a character or block device, or a socket. */
    public boolean isSpecial() {
        return this == FIFO || this == CHARACTER_DEVICE || this == BLOCK_DEVICE || this == SOCKET;
    }

    /** A character or block device: it has a device number. */
    public boolean isDevice() {
        return this == CHARACTER_DEVICE || this == BLOCK_DEVICE;
    }

    public static NodeType ofMode(int mode) {
        int bits = mode & S_IFMT;
        for (NodeType t : values()) {
            if (t != OTHER && t.typeBits == bits) {
                return t;
            }
        }
        return OTHER;
    }
}
