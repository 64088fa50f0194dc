/**
 * The FUSE filesystem of a volume, over jfuse and libfuse3 (the only package that touches the binding).
 *
 * <p>{@link io.cloudsync.fuse.CacheFileSystem} answers every callback in a few lines by delegating to the volume's
 * {@link io.cloudsync.cache.VolumeCache}; {@link io.cloudsync.fuse.ErrnoMapper} is the one place exceptions
 * become errno values, and nothing is ever thrown into native code. {@link io.cloudsync.fuse.FuseVolumeMount} is
 * the mount as an object with a lifecycle: it is returned only once the mount answers, and closing it unmounts and
 * waits for the request loop to end.
 *
 * <p>Settings (measured, see DESIGN.md): multithreaded loop; the kernel writeback cache; 1 MiB max_read and
 * read-ahead; attribute and entry caching; {@code kernel_cache} (pages stay cached across opens), with the
 * kernel told to drop the name of a file the bucket changed ({@link io.cloudsync.fuse.KernelEntryInvalidator});
 * {@code allow_other} + {@code default_permissions} so containers of any uid reach the volume and the
 * kernel checks mode bits against the owners, which new files get from the calling process.
 */
package io.cloudsync.fuse;
