#!/usr/bin/env bash
# Checks a plugin rootfs from the inside, as root: in a private mount namespace (nothing leaks to the host) with
# /proc mounted (the loader resolves java's $ORIGIN through /proc/self/exe), chroot into ROOTFS and
#   - let the rootfs's own loader list the libraries of java, libfuse3 and fusermount3: none may be missing (the
#     runtime's own libraries find libjvm.so because the launcher has loaded it: here --library-path stands in);
#   - run java -version, and load the entrypoint's main class with the entrypoint's class path (--dry-run);
#     -XX:-UsePerfData: java writes nothing into the rootfs.
# Usage: plugin/check-rootfs.sh ROOTFS
set -euo pipefail

rootfs=$(realpath "${1:?usage: check-rootfs.sh ROOTFS}")
main_class=io.cloudsync.app.Main
loader=/lib64/ld-linux-x86-64.so.2
[ "$(id -u)" = 0 ] || { echo "check-rootfs: needs root (chroot, mount)" >&2; exit 1; }

# shellcheck disable=SC2016  # expanded by the inner shell
unshare --mount --propagation private -- bash -euo pipefail -c '
  rootfs=$1; loader=$2; main_class=$3
  mount -t proc proc "$rootfs/proc"
  status=0
  for f in /opt/java/bin/java /opt/java/lib/server/libjvm.so /usr/lib/x86_64-linux-gnu/libfuse3.so.3 \
           /usr/bin/fusermount3 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1 $(cd "$rootfs" && ls opt/java/lib/*.so | sed "s|^|/|"); do
    if ! listing=$(chroot "$rootfs" "$loader" --library-path /opt/java/lib/server:/opt/java/lib --list "$f" 2>&1) || grep -q "not found" <<< "$listing"; then
      echo "check-rootfs: $f does not resolve inside the rootfs:" >&2
      echo "$listing" >&2
      status=1
    fi
  done
  [ $status = 0 ] || exit 1
  version=$(chroot "$rootfs" /opt/java/bin/java -XX:-UsePerfData -version 2>&1) || { echo "$version" >&2; exit 1; }
  chroot "$rootfs" /opt/java/bin/java -XX:-UsePerfData --enable-native-access=ALL-UNNAMED -cp "/app/lib/*" --dry-run "$main_class" \
    || { echo "check-rootfs: the main class $main_class does not load from /app/lib" >&2; exit 1; }
  echo "check-rootfs: ok: $(head -1 <<< "$version"), every library resolves, $main_class loads" >&2
' check-rootfs "$rootfs" "$loader" "$main_class"
