#!/usr/bin/env bash
# Makes sure of everything `make demo` and `make test` need on a Debian machine, as root, idempotently:
# Debian packages, a JDK 25, a running Docker engine, and the small local test image (nothing can be pulled).
# Elsewhere it names what is missing and stops.
set -euo pipefail

say() { echo "setup: $*" >&2; }
die() { say "$*"; exit 1; }

PACKAGES=(docker.io fuse3 libfuse3-3 docker-compose docker-registry busybox-static maven curl sqlite3 fio rclone)
STATE=/var/lib/cloudsync-dev
DOCKERD_PID="$STATE/dockerd.pid"
DOCKERD_LOG="$STATE/dockerd.log"
TEST_IMAGE=cloudsync-test-busybox:latest

missing_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

install_packages() {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  if [ ! -f /etc/debian_version ] || [ "$(id -u)" != 0 ]; then
    die "missing packages: $missing. Install them (Debian package names), then run this again."
  fi
  say "installing missing Debian packages: $missing"
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

find_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "25'; then
    return 0
  fi
  local j
  for j in /usr/lib/jvm/*25*; do
    if [ -x "$j/bin/jlink" ]; then
      return 0
    fi
  done
  die "no JDK 25 found: set JAVA_HOME to a JDK 25 or install one under /usr/lib/jvm"
}

docker_answers() { timeout 5 docker info >/dev/null 2>&1; }

start_dockerd() {
  docker_answers && return 0
  command -v dockerd >/dev/null || die "dockerd is not installed (Debian package docker.io)"
  mkdir -p "$STATE"
  say "starting dockerd in the background (log: $DOCKERD_LOG)"
  setsid dockerd >>"$DOCKERD_LOG" 2>&1 < /dev/null &
  echo $! > "$DOCKERD_PID"
  for _ in $(seq 1 120); do
    docker_answers && return 0
    sleep 0.5
  done
  die "dockerd did not answer within 60 s; see $DOCKERD_LOG"
}

build_test_image() {
  docker image inspect "$TEST_IMAGE" >/dev/null 2>&1 && return 0
  say "building the local test image $TEST_IMAGE from busybox-static"
  local root
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/tmp" "$root/data" "$root/etc"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$TEST_IMAGE" >/dev/null
  rm -rf "$root"
}

install_packages
find_jdk25
start_dockerd
build_test_image
say "ready"
