# The bench's own filesystem (sourced): a fresh ext4 in a sparse image file, loop-mounted at BENCH_WORK, so that
# every driver's data lives on it: S3Proxy's objects, cloudsync's state and cache, rclone's cache, and the local
# driver's volumes (bind mounts of directories on it).
#
# Why: on a long-used disk the cost of making a file depends on where its directory lands. Measured on the bench
# machine (2026-12-02), fresh directories of the same ext4 took 40 to 860 µs per empty file made by the shell, so
# drivers whose data sat in different directories were compared partly by luck: the local driver's volumes under
# /var/lib/docker, cloudsync's cache under the build directory. On the fresh filesystem it is 36 µs everywhere.
# BENCH_FS=host keeps everything on the host's disk, as before.

fs_start() {
  FS_IMAGE= FS_MOUNTED=
  [ "$BENCH_FS" = host ] && return 0
  FS_IMAGE=$BENCH_OUT/fs-$BENCH_RUN_ID.img
  # Sized for bench-big (a million objects and as many bind-mounted local files): sparse, it takes only what is used.
  if ! truncate -s "${BENCH_FS_GB}G" "$FS_IMAGE" \
      || ! mkfs.ext4 -q -F -N "$BENCH_FS_INODES" -E lazy_itable_init=0,lazy_journal_init=0 "$FS_IMAGE" \
      || ! mount -o loop "$FS_IMAGE" "$BENCH_WORK"; then
    rm -f "$FS_IMAGE"
    FS_IMAGE=
    say "could not make the bench's own filesystem; the drivers' data stays on the host's disk"
    return 0
  fi
  FS_MOUNTED=1
  say "the drivers' data is on a fresh ext4 ($FS_IMAGE, loop-mounted at $BENCH_WORK)"
}

# What record_context says about where the data was.
fs_describe() {
  if [ -n "$FS_MOUNTED" ]; then echo "a fresh ext4 in a loop-mounted image file"; else echo "the host's disk"; fi
}

fs_stop() {
  [ -n "$FS_MOUNTED" ] || return 0
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    say "kept $FS_IMAGE mounted at $BENCH_WORK (BENCH_KEEP=1)"
    return 0
  fi
  if umount "$BENCH_WORK"; then
    rm -f "$FS_IMAGE"
  else
    say "could not unmount $BENCH_WORK; $FS_IMAGE is left in place"
  fi
  FS_MOUNTED=
}
