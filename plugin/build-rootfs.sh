#!/usr/bin/env bash
# Assembles the managed plugin's directory, as "docker plugin create NAME DIR" takes it, without pulling any image.
# Usage: plugin/build-rootfs.sh [OUT_DIR]     (default build/plugin; needs the output of "mvn package" in target/)
#
#   OUT_DIR/config.json                  the project's config.json
#   OUT_DIR/rootfs/opt/java              a jlinked runtime: the modules jdeps finds in the jars, plus EXTRA_MODULES
#   OUT_DIR/rootfs/app/lib/*.jar         cloudsync.jar and its runtime dependencies (the entrypoint runs
#                                        java -cp '/app/lib/*'; the launcher expands the wildcard, no shell needed)
#   OUT_DIR/rootfs/usr/lib/...           libfuse3.so.3, ld-linux and every C library java and libfuse need (ldd)
#   OUT_DIR/rootfs/usr/bin/fusermount3   libfuse3's fallback when it may not mount(2) itself
#   OUT_DIR/rootfs/etc/...               passwd, group, nsswitch.conf, hosts, resolv.conf, cloudsync-build
#   empty directories                    tmp, state (bind mount), mnt/volumes (propagated mount),
#                                        run/docker/plugins (socket), dev, proc, sys
#
# Deterministic: the same inputs give the same tree, every mtime set to SOURCE_DATE_EPOCH (default: the time of the
# last commit). Docker refuses to create a plugin whose rootfs is byte-identical to an installed plugin's ("content
# ... already exists"): a second plugin from the same build needs a marker file (see scripts/push-plugin.sh).
# Fast: jdeps' module list and the jlinked runtime are cached under build/cache, keyed by what they are made from.
# When run as root, plugin/check-rootfs.sh then checks the result from inside (java starts, every library resolves).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$here/build/plugin}")
cache=${CLOUDSYNC_BUILD_CACHE:-$here/build/cache}
java_home=${JAVA_HOME:?JAVA_HOME must point to a JDK 25 (it provides jlink and jdeps)}
libfuse=/usr/lib/x86_64-linux-gnu/libfuse3.so.3
# libgcc_s is dlopen'ed by glibc when libfuse's multithreaded loop cancels its worker threads (pthread_cancel aborts
# the process without it), so ldd never names it.
dlopened=(/usr/lib/x86_64-linux-gnu/libgcc_s.so.1)
# Modules jdeps cannot see: java.util.logging is configured by name, JFR and the HotSpot MXBeans serve diagnostics.
# (EC crypto for TLS lives in java.base since JDK 22.)
EXTRA_MODULES=java.logging,jdk.unsupported,jdk.management,jdk.jfr,jdk.management.jfr
# java.desktop is there only for java.beans (MinIO's client, commons-lang3): its GUI natives pull in X11 and ALSA.
GUI_NATIVES=(libawt.so libawt_headless.so libawt_xawt.so libjawt.so libfontmanager.so libfreetype.so liblcms.so
  libjavajpeg.so libmlib_image.so libsplashscreen.so libjsound.so)

say() { echo "build-rootfs: $*" >&2; }
die() { say "$*"; exit 1; }

[ -x "$java_home/bin/jlink" ] || die "no jlink in JAVA_HOME=$java_home (a JDK 25 is needed, not a JRE)"
jdk_version=$("$java_home/bin/jlink" --version)
[[ $jdk_version == 25* ]] || die "JAVA_HOME=$java_home is JDK $jdk_version; the plugin runs on JDK 25"
shopt -s nullglob
app_jars=("$here"/target/cloudsync-*.jar)
lib_jars=("$here"/target/lib/*.jar)
shopt -u nullglob
[ ${#app_jars[@]} = 1 ] || die "expected one target/cloudsync-*.jar, found ${#app_jars[@]}: run 'mvn package' (after 'mvn clean' if versions changed)"
[ ${#lib_jars[@]} -gt 0 ] || die "target/lib/ holds no jars: run 'mvn package'"
[ -f "$libfuse" ] || die "$libfuse is missing (Debian package libfuse3-3)"
fusermount=$(command -v fusermount3) || die "fusermount3 is missing (Debian package fuse3)"
for f in "${dlopened[@]}"; do [ -f "$f" ] || die "$f is missing"; done
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || echo 0)}
mkdir -p "$cache"

# --- the runtime's modules: jdeps over the application and its libraries, cached by the jars' content ----------
jars_key=$(cat "${app_jars[@]}" "${lib_jars[@]}" | sha256sum | cut -c1-16)
modules_file="$cache/modules-$jdk_version-$jars_key"
if [ ! -s "$modules_file" ]; then
  say "finding the modules the jars need (jdeps; cached afterwards)"
  found=$("$java_home/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps -q \
    --class-path "$here/target/lib/*" "${app_jars[@]}" "${lib_jars[@]}") || die "jdeps failed"
  printf '%s\n' "$found" > "$modules_file.$$" && mv -f "$modules_file.$$" "$modules_file"
fi
modules=$(tr ',' '\n' < "$modules_file" | cat - <(tr ',' '\n' <<< "$EXTRA_MODULES") | sed '/^$/d' | sort -u | paste -sd,)

# --- the jlinked runtime, cached by JDK, modules and options --------------------------------------------------
jlink_opts=(--strip-debug --no-header-files --no-man-pages --compress=zip-6)
jre_key=$(printf '%s\n' "$(realpath "$java_home")" "$jdk_version" "$modules" "${jlink_opts[*]}" "${GUI_NATIVES[*]}" cds \
  | sha256sum | cut -c1-16)
jre="$cache/jre-$jre_key"
if [ ! -x "$jre/bin/java" ]; then
  say "jlink: $modules"
  tmp_jre="$cache/.jre-$jre_key.$$"
  rm -rf "$tmp_jre"
  "$java_home/bin/jlink" --add-modules "$modules" "${jlink_opts[@]}" --output "$tmp_jre"
  for lib in "${GUI_NATIVES[@]}"; do rm -f "$tmp_jre/lib/$lib"; done
  # The JDK's classes, pre-parsed (CDS): the base the plugin's own class archive (config.json) builds on. Dumped
  # with the entrypoint's native-access option, which an archive must match to keep its module graph.
  "$tmp_jre/bin/java" -Xshare:dump --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC > "$tmp_jre.dump.log" 2>&1 \
    || die "CDS dump of the jlinked runtime failed: $(tail -c 500 "$tmp_jre.dump.log")"
  rm -f "$tmp_jre.dump.log"
  # Another build may have finished the same runtime meanwhile: either copy is right.
  mv -T "$tmp_jre" "$jre" 2>/dev/null || rm -rf "$tmp_jre"
fi

# --- the tree --------------------------------------------------------------------------------------------------
rootfs="$out/rootfs"
own_libraries=$jre
source "$here/plugin/rootfs-files.sh"
rm -rf "$out"
mkdir -p "$rootfs"/{opt,app/lib,etc,tmp,state,mnt/volumes,run/docker/plugins,dev,proc,sys}
make_merged_usr
chmod 1777 "$rootfs/tmp"

cp -a "$jre" "$rootfs/opt/java"
cp "${app_jars[0]}" "$rootfs/app/lib/cloudsync.jar"
cp "${lib_jars[@]}" "$rootfs/app/lib/"

for f in "$libfuse" "$fusermount" "${dlopened[@]}"; do
  copy_host_file "$f"
  copy_needed_libraries "$f"
done
chmod u-s "$rootfs$(readlink -f "$fusermount")"   # the plugin runs as root: setuid means nothing there
while read -r f; do
  copy_needed_libraries "$f"
done < <(find "$jre" -type f \( -name '*.so' -o -path "$jre/bin/*" \) | sort)

write_root_etc
commit=$(git -C "$here" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git -C "$here" diff --quiet HEAD 2>/dev/null || commit="$commit+changes"
printf 'cloudsync %s\ncommit %s\nruntime %s (%s)\n' "$(basename "${app_jars[0]}" .jar | sed 's/^cloudsync-//')" \
  "$commit" "$jdk_version" "$modules" > "$rootfs/etc/cloudsync-build"

cp "$here/config.json" "$out/config.json"

if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
  bash "$here/plugin/check-rootfs.sh" "$rootfs"
else
  say "not root: skipped plugin/check-rootfs.sh (it runs java inside the rootfs with chroot)"
fi
find "$out" -exec touch -h -d "@$epoch" {} +
say "ready: $out ($(du -sh "$rootfs" | cut -f1))"
