/**
 * The local data of a volume: its cache directory is the index.
 *
 * <p>The cache directory mirrors the volume's tree byte for byte: file {@code a/b.txt} of the volume is
 * {@code dataDir/a/b.txt}, with its mode, owner and times kept by the local filesystem. {@code getattr},
 * {@code readdir} and {@code lookup} therefore cost what the local filesystem costs, and memory stays flat for
 * millions of files. Only the FUSE process modifies this directory. (Lazy download will add sparse placeholders
 * whose {@code user.cloudsync.*} extended attributes say what is local; eviction will punch data out of them.)
 *
 * <p>Every change is recorded in the volume's {@link io.cloudsync.journal.Journal} for the uploader, with paths
 * relative to the volume root ("a/b.txt"). A file written through a handle is recorded once, when that handle is
 * flushed or released, not once per write.
 */
package io.cloudsync.cache;
