#!/usr/bin/env bash
# Assembles the peer plugin the benchmark measures cloudsync against: Debian's rclone running `rclone serve docker`
# as a managed plugin, as users install rclone's own plugin image (which cannot be pulled here). Managed, not a
# legacy socket in /run/docker/plugins: dockerd forgets a managed plugin when it is removed, but keeps a legacy one
# it has seen until it restarts, and then retries the gone socket on every volume listing.
# Usage: bench/rclone-plugin/build.sh OUT_DIR      (OUT_DIR/config.json and OUT_DIR/rootfs, for docker plugin create)
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
out=$(realpath -m "${1:?usage: $0 OUT_DIR}")
say() { echo "rclone-plugin: $*" >&2; }
die() { say "$*"; exit 1; }

rclone=$(command -v "${BENCH_RCLONE:-rclone}") || die "rclone is missing (Debian package rclone)"
fusermount=$(command -v fusermount3) || die "fusermount3 is missing (Debian package fuse3)"

rootfs="$out/rootfs"
source "$here/plugin/rootfs-files.sh"
rm -rf "$out"
mkdir -p "$rootfs"/{tmp,mnt,data/config,data/cache,run/docker/plugins,dev,proc,sys}
make_merged_usr
chmod 1777 "$rootfs/tmp"
for f in "$rclone" "$fusermount"; do
  copy_host_file "$f"
  copy_needed_libraries "$f"
done
chmod u-s "$rootfs$(readlink -f "$fusermount")"   # the plugin runs as root: setuid means nothing there
# rclone's FUSE library looks for fusermount before fusermount3.
ln -sf fusermount3 "$rootfs/usr/bin/fusermount"
write_root_etc
printf 'user_allow_other\n' > "$rootfs/etc/fuse.conf"
cp "$here/bench/rclone-plugin/config.json" "$out/config.json"
say "ready: $out ($(du -sh "$rootfs" | cut -f1), $("$rclone" version 2>/dev/null | head -n 1))"
