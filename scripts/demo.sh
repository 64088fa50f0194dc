#!/usr/bin/env bash
# make demo: with nothing configured, start a local S3 server (S3Proxy on 127.0.0.1, its data in .demo/s3), build
# and install the plugin pointed at it, create a volume, write into it from a container, wait until the objects
# are in the bucket and show them. `scripts/demo.sh clean` (make demo-clean) undoes all of it.
# Run through make (it runs scripts/setup.sh first and finds JAVA_HOME). PLUGIN_NAME and DEMO_VOLUME may be set.
set -euo pipefail
cd "$(dirname "$0")/.."

PLUGIN=${PLUGIN_NAME:-cloudsync}
VOLUME=${DEMO_VOLUME:-demo}
BUCKET=demo-bucket
DEMO=$PWD/.demo
IMAGE=cloudsync-test-busybox:latest
MVN=${MVN:-mvn -B -q}
S3_START_DEADLINE=120
UPLOAD_DEADLINE=120

step() { printf '\n== %s\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

stop_s3proxy() {
  [ -f "$DEMO/s3proxy.pid" ] || return 0
  local pid
  pid=$(cat "$DEMO/s3proxy.pid")
  # Only our S3Proxy: the PID must still be a java process running S3ProxyMain.
  if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q 'io.cloudsync.testsupport.S3ProxyMain'; then
    kill "$pid"
    for _ in $(seq 1 60); do [ -d "/proc/$pid" ] || break; sleep 0.25; done
    [ ! -d "/proc/$pid" ] || die "S3Proxy (PID $pid) did not stop"
    echo "stopped S3Proxy (PID $pid)"
  fi
  rm -f "$DEMO/s3proxy.pid"
}

clean() {
  docker rm -f cloudsync-demo-writer >/dev/null 2>&1 || true
  if docker plugin inspect "$PLUGIN" >/dev/null 2>&1; then
    docker volume rm "$VOLUME" >/dev/null 2>&1 && echo "removed volume $VOLUME" || true
    docker plugin disable -f "$PLUGIN" >/dev/null 2>&1 || true
    docker plugin rm -f "$PLUGIN" >/dev/null && echo "removed plugin $PLUGIN"
  fi
  stop_s3proxy
  if [ -d "$DEMO" ]; then rm -rf "$DEMO" && echo "removed $DEMO"; fi
}

# "sha256  path" for every file under DIR, sorted by path: what a container wrote, or what the bucket holds.
file_sums() { (cd "$1" && find . -type f | sed 's|^\./||' | sort | while read -r f; do sha256sum "$f"; done); }

if [ "${1:-}" = clean ]; then
  clean
  exit 0
fi
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || die "JAVA_HOME must name a JDK 25: run 'make demo'"

step "building cloudsync"
$MVN package -DskipTests
# The demo's S3 server runs from the test classes (S3Proxy is a test dependency).
$MVN dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/target/test-classpath.txt" >/dev/null

step "starting a local S3 server (S3Proxy) on 127.0.0.1, data in .demo/s3"
stop_s3proxy
mkdir -p "$DEMO/s3" "$DEMO/state"
rm -f "$DEMO/s3.endpoint"
access_key=demo-access
secret_key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
# setsid: the server outlives this script, until make demo-clean; the secret goes by environment, not argv.
S3PROXY_SECRET_KEY=$secret_key setsid "$JAVA_HOME/bin/java" \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" io.cloudsync.testsupport.S3ProxyMain \
  --data "$DEMO/s3" --port 0 --access-key "$access_key" --ready-file "$DEMO/s3.endpoint" \
  >"$DEMO/s3proxy.log" 2>&1 </dev/null &
echo $! >"$DEMO/s3proxy.pid"
deadline=$((SECONDS + S3_START_DEADLINE))
until [ -s "$DEMO/s3.endpoint" ]; do
  [ -d "/proc/$(cat "$DEMO/s3proxy.pid")" ] || die "S3Proxy exited; see $DEMO/s3proxy.log"
  [ $SECONDS -lt $deadline ] || die "S3Proxy did not start within ${S3_START_DEADLINE}s; see $DEMO/s3proxy.log"
  sleep 0.25
done
endpoint=$(cat "$DEMO/s3.endpoint")
echo "S3 endpoint $endpoint (access key $access_key), S3Proxy PID $(cat "$DEMO/s3proxy.pid")"

step "building the plugin's rootfs and installing the managed plugin '$PLUGIN', pointed at it"
bash plugin/build-rootfs.sh build/plugin
bash scripts/install-plugin.sh "$PLUGIN" build/plugin "$DEMO/state" \
  CLOUDSYNC_S3_ENDPOINT="$endpoint" CLOUDSYNC_S3_ACCESS_KEY="$access_key" CLOUDSYNC_S3_SECRET_KEY="$secret_key"

step "docker volume create -d $PLUGIN -o bucket=$BUCKET -o create-bucket=true -o writeback-delay=1s $VOLUME"
docker volume rm "$VOLUME" >/dev/null 2>&1 || true
docker volume create -d "$PLUGIN" -o bucket="$BUCKET" -o create-bucket=true -o writeback-delay=1s "$VOLUME"

step "a container writes into the volume (sha256 of what it wrote)"
written=$(docker run --rm --name cloudsync-demo-writer -v "$VOLUME":/data "$IMAGE" sh -c '
  echo "hello from a container" > /data/hello.txt
  mkdir -p /data/photos/2026
  for i in 1 2 3; do echo "photo $i" > /data/photos/2026/img$i.txt; done
  dd if=/dev/urandom of=/data/photos/big.bin bs=1M count=4 2>/dev/null
  cd /data && find . -type f | sed "s|^\./||" | sort | while read -r f; do sha256sum "$f"; done')
echo "$written"

step "waiting until the bucket holds the same bytes (objects $BUCKET/$VOLUME/..., S3Proxy keeps them as files)"
bucket_dir="$DEMO/s3/$BUCKET/$VOLUME"
deadline=$((SECONDS + UPLOAD_DEADLINE))
until [ -d "$bucket_dir" ] && [ "$(file_sums "$bucket_dir")" = "$written" ]; do
  [ $SECONDS -lt $deadline ] || {
    echo "bucket now:"; [ -d "$bucket_dir" ] && file_sums "$bucket_dir"
    die "the objects did not all arrive within ${UPLOAD_DEADLINE}s; see docker volume inspect $VOLUME"
  }
  sleep 0.5
done
echo "arrived after $((SECONDS - deadline + UPLOAD_DEADLINE))s"

step "objects in bucket $BUCKET"
(cd "$DEMO/s3/$BUCKET" && find . -type f | sed 's|^\./||' | sort | while read -r key; do
  printf '%10s bytes  %s  %s\n' "$(stat -c %s "$key")" "$(sha256sum "$key" | cut -c1-16)…" "$key"; done)

step "docker volume inspect $VOLUME"
docker volume inspect "$VOLUME"
echo
echo "Done: the bucket holds byte for byte what the container wrote. Undo everything with: make demo-clean"
