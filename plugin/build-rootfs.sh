#!/usr/bin/env bash
# Assembles the managed plugin's directory (config.json + rootfs/) without pulling any image:
# a jlinked Java runtime, the application jars, libfuse3 with fusermount3, and the native libraries they need
# (found with ldd). Usage: plugin/build-rootfs.sh OUT_DIR   (needs `mvn package` output in target/)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: build-rootfs.sh OUT_DIR}
java_home=${JAVA_HOME:?JAVA_HOME must point to a JDK 25}
libfuse=/usr/lib/x86_64-linux-gnu/libfuse3.so.3
fusermount=$(command -v fusermount3 || true)

[ -f "$here/target/cloudsync-0.1.0-SNAPSHOT.jar" ] || { echo "build-rootfs: run 'mvn package' first" >&2; exit 1; }
[ -f "$libfuse" ] || { echo "build-rootfs: $libfuse is missing (Debian package libfuse3-3)" >&2; exit 1; }
[ -n "$fusermount" ] || { echo "build-rootfs: fusermount3 is missing (Debian package fuse3)" >&2; exit 1; }

rootfs="$out/rootfs"
rm -rf "$out"
mkdir -p "$rootfs"/{app/lib,etc,tmp,state,mnt/volumes,run/docker/plugins,dev,proc,sys,usr/bin}
chmod 1777 "$rootfs/tmp"

# The runtime: the modules jdeps finds in the application and its libraries, plus logging, TLS and JFR.
modules=java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.sql,java.xml,jdk.crypto.ec,jdk.unsupported,jdk.jfr,jdk.management.jfr
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --output "$rootfs/opt/java"

cp "$here/target/cloudsync-0.1.0-SNAPSHOT.jar" "$rootfs/app/lib/cloudsync.jar"
cp "$here"/target/lib/*.jar "$rootfs/app/lib/"

# Native libraries, each at the path the loader expects.
copy_with_deps() {
  local f dep
  for f in "$@"; do
    mkdir -p "$rootfs$(dirname "$f")"
    cp -L "$f" "$rootfs$f"
    for dep in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
      if [ ! -e "$rootfs$dep" ]; then
        mkdir -p "$rootfs$(dirname "$dep")"
        cp -L "$dep" "$rootfs$dep"
      fi
    done
  done
}
# libgcc_s is dlopen'ed by glibc when libfuse's multithreaded loop cancels its worker threads (pthread_cancel
# aborts the process without it), so ldd cannot find it: name it.
copy_with_deps "$libfuse" "$fusermount" /lib/x86_64-linux-gnu/libgcc_s.so.1
# ldd on the runtime's own files (they live in the rootfs already): copy their system dependencies.
for f in $(find "$rootfs/opt/java" \( -name '*.so' -o -path '*/bin/java' \)); do
  for dep in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' | grep -v "^$rootfs" | sort -u); do
    [ -e "$rootfs$dep" ] || { mkdir -p "$rootfs$(dirname "$dep")"; cp -L "$dep" "$rootfs$dep"; }
  done
done
# /lib64 and /lib are symlinks into /usr on Debian; keep the loader reachable by both names.
[ -e "$rootfs/lib64/ld-linux-x86-64.so.2" ] || { mkdir -p "$rootfs/lib64"; cp -L /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"; }

printf 'root:x:0:0:root:/root:/bin/false\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\n' > "$rootfs/etc/group"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' > "$rootfs/etc/hosts"
: > "$rootfs/etc/resolv.conf"
printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"

cp "$here/config.json" "$out/config.json"
echo "plugin directory ready: $out ($(du -sh "$rootfs" | cut -f1))"
