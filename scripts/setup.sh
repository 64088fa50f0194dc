#!/usr/bin/env bash
# The one prerequisite step of `make demo` and `make test` (and of the Docker tests when they restart dockerd).
# Idempotent and quick when all is there. On Debian as root it installs what is missing and says so: Debian
# packages (apt-get update only then), /dev/fuse (modprobe), a running Docker engine (dockerd started in the
# background, its PID in $DOCKERD_PID, its log in $DOCKERD_LOG), and the local test images $TEST_IMAGE and
# $SQLITE_IMAGE (made with `docker import` of busybox-static, plus Debian's sqlite3 for the second, since no image
# can be pulled). Elsewhere it names what is missing and exits 1.
# A JDK 25 cannot come from Debian: it must be there (JAVA_HOME, or under /usr/lib/jvm).
set -euo pipefail

# sqlite3 goes into the database test image; fio and rclone are for the benchmarks (rclone is the peer plugin).
PACKAGES=(docker.io fuse3 libfuse3-3 docker-compose docker-registry busybox-static maven sqlite3 fio rclone)
STATE=/var/lib/cloudsync-dev
DOCKERD_PID="$STATE/dockerd.pid"
DOCKERD_LOG="$STATE/dockerd.log"
DOCKERD_START_DEADLINE=90
TEST_IMAGE=${CLOUDSYNC_TEST_IMAGE:-cloudsync-test-busybox:latest}
SQLITE_IMAGE=${CLOUDSYNC_SQLITE_IMAGE:-cloudsync-test-sqlite:latest}

say() { echo "setup: $*" >&2; }
die() { say "$*"; exit 1; }

can_fix() { [ -f /etc/debian_version ] && [ "$(id -u)" = 0 ]; }

missing_packages() {
  local p
  command -v dpkg-query >/dev/null || { echo "${PACKAGES[*]}"; return; }
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done | paste -sd' '
}

ensure_packages() {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  can_fix || die "missing Debian packages: $missing (install them as root on Debian, then run this again)"
  say "installing missing Debian packages: $missing"
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086  # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null \
    || die "apt-get install $missing failed"
}

ensure_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jlink" ] && "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "25'; then
    return 0
  fi
  local j
  for j in /usr/lib/jvm/*25*; do
    [ -x "$j/bin/jlink" ] && "$j/bin/java" -version 2>&1 | grep -q 'version "25' && return 0
  done
  die "no JDK 25 found (JAVA_HOME=${JAVA_HOME:-unset}, nothing under /usr/lib/jvm/*25*): install one, e.g. Temurin 25, under /usr/lib/jvm or set JAVA_HOME"
}

ensure_fuse_device() {
  [ -c /dev/fuse ] && return 0
  can_fix || die "/dev/fuse is missing (load the fuse kernel module as root: modprobe fuse)"
  say "loading the fuse kernel module (/dev/fuse is missing)"
  modprobe fuse 2>/dev/null || true
  [ -c /dev/fuse ] || die "/dev/fuse is still missing: this kernel or container gives no FUSE"
}

docker_answers() { timeout 10 docker info >/dev/null 2>&1; }

# The PID of a dockerd that is already running (say, still starting up), if any: never start a second one.
running_dockerd() {
  local pid
  for pidfile in /var/run/docker.pid "$DOCKERD_PID"; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile" 2>/dev/null || true)
    [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] && { echo "$pid"; return 0; }
  done
  return 1
}

ensure_dockerd() {
  docker_answers && return 0
  command -v docker >/dev/null || die "the docker command is missing (Debian package docker.io)"
  can_fix || die "the Docker engine does not answer 'docker info' ("$(timeout 10 docker info 2>&1 | tail -1)"); only root on Debian can start dockerd here"
  local pid
  if pid=$(running_dockerd); then
    say "dockerd (PID $pid) is running but does not answer yet: waiting for it"
  else
    command -v dockerd >/dev/null || die "dockerd is missing (Debian package docker.io)"
    mkdir -p "$STATE"
    say "starting dockerd in the background (log: $DOCKERD_LOG, PID in $DOCKERD_PID)"
    # setsid: the daemon outlives this script and the make that ran it, and no terminal signal reaches it.
    setsid dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$DOCKERD_PID"
  fi
  local deadline=$((SECONDS + DOCKERD_START_DEADLINE))
  until docker_answers; do
    [ -d "/proc/$pid" ] || die "dockerd (PID $pid) exited; see the end of $DOCKERD_LOG"
    [ $SECONDS -lt $deadline ] || die "dockerd (PID $pid) did not answer within ${DOCKERD_START_DEADLINE}s; see $DOCKERD_LOG"
    sleep 0.5
  done
  say "dockerd answers"
}

# A root filesystem of busybox-static alone, in directory $1.
busybox_rootfs() {
  local busybox=/bin/busybox root=$1 applet
  # The image has no libraries: its busybox must be the static one (Debian package busybox-static).
  ! ldd "$busybox" >/dev/null 2>&1 || die "$busybox is dynamically linked: install the Debian package busybox-static"
  mkdir -p "$root"/{bin,etc,tmp,data,root}
  chmod 1777 "$root/tmp"
  cp "$busybox" "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
}

ensure_test_image() {
  docker image inspect "$TEST_IMAGE" >/dev/null 2>&1 && return 0
  local root
  say "making the local test image $TEST_IMAGE from busybox-static"
  root=$(mktemp -d)
  busybox_rootfs "$root"
  tar -C "$root" --numeric-owner -c . \
    | docker import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' -m "busybox-static for cloudsync's tests" - "$TEST_IMAGE" >/dev/null
  rm -rf "$root"
}

# busybox plus Debian's sqlite3 and the shared libraries it loads (from ldd), for the database tests.
ensure_sqlite_image() {
  docker image inspect "$SQLITE_IMAGE" >/dev/null 2>&1 && return 0
  local sqlite=/usr/bin/sqlite3 root lib
  [ -x "$sqlite" ] || die "$sqlite is missing: install the Debian package sqlite3"
  say "making the local test image $SQLITE_IMAGE from busybox-static and Debian's sqlite3"
  root=$(mktemp -d)
  busybox_rootfs "$root"
  mkdir -p "$root/usr/bin"
  cp "$sqlite" "$root/usr/bin/sqlite3"
  for lib in $(ldd "$sqlite" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  tar -C "$root" --numeric-owner -c . \
    | docker import -c 'ENV PATH=/bin:/usr/bin' -c 'CMD ["/bin/sh"]' -m "busybox-static and sqlite3 for cloudsync's tests" \
        - "$SQLITE_IMAGE" >/dev/null
  rm -rf "$root"
  docker run --rm --network none "$SQLITE_IMAGE" sqlite3 :memory: 'select 1' >/dev/null \
    || die "the image $SQLITE_IMAGE was made but its sqlite3 does not run"
}

ensure_packages
ensure_jdk25
ensure_fuse_device
ensure_dockerd
ensure_test_image
ensure_sqlite_image
say "ready (Docker $(docker version -f '{{.Server.Version}}'), test images $TEST_IMAGE and $SQLITE_IMAGE)"
