# The container image the workloads run in (sourced): busybox, plus GNU date (busybox's has no nanoseconds)
# and sqlite3 with the libraries ldd finds for it. Nothing can be pulled here, so it is made by `docker import`
# of a rootfs assembled from the host's files, once, and kept (like scripts/setup.sh's test image).

BENCH_IMAGE=cloudsync-bench-tools:1

bench_image_build() {
  docker image inspect "$BENCH_IMAGE" >/dev/null 2>&1 && return 0
  local busybox sqlite date root f dep
  busybox=$(command -v busybox) || { say "busybox is missing (Debian package busybox-static)"; return 1; }
  sqlite=$(command -v sqlite3) || { say "sqlite3 is missing (Debian package sqlite3)"; return 1; }
  date=$(command -v date)
  say "building the image $BENCH_IMAGE (busybox, GNU date, sqlite3)"
  root=$(mktemp -d "$BENCH_WORK/image.XXXXXX")
  mkdir -p "$root/bin" "$root/usr/bin" "$root/tmp" "$root/data" "$root/etc"
  cp "$busybox" "$root/bin/busybox"
  for f in $("$root/bin/busybox" --list); do
    [ "$f" = busybox ] || ln -sf busybox "$root/bin/$f"
  done
  rm "$root/bin/date"                  # the busybox applet link: GNU date replaces it
  cp -L "$date" "$root/bin/date"
  cp -L "$sqlite" "$root/usr/bin/sqlite3"
  for f in "$date" "$sqlite"; do
    for dep in $(ldd "$f" | grep -o '/[^ ]*' | sort -u); do
      [ -e "$root$dep" ] && continue
      mkdir -p "$root$(dirname "$dep")"
      cp -L "$dep" "$root$dep"
    done
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin:/usr/bin' -c 'CMD ["/bin/sh"]' - "$BENCH_IMAGE" >/dev/null
  rm -rf "$root"
}
