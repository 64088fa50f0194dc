#!/usr/bin/env bash
# make demo: with nothing configured, start a local S3 server (S3Proxy on loopback, data in .demo/s3), build and
# install the plugin pointed at it, create a volume, write into it from a container, and show what arrived in the
# bucket. `scripts/demo.sh clean` (make demo-clean) undoes all of it.
set -euo pipefail
cd "$(dirname "$0")/.."

PLUGIN=${PLUGIN_NAME:-cloudsync}
VOLUME=demo
BUCKET=demo-bucket
DEMO=$PWD/.demo
IMAGE=cloudsync-test-busybox:latest
MVN=${MVN:-mvn -B -q}

say() { printf '\n== %s\n' "$*"; }

stop_s3() {
  if [ -f "$DEMO/s3proxy.pid" ]; then
    local pid
    pid=$(cat "$DEMO/s3proxy.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    fi
    rm -f "$DEMO/s3proxy.pid"
  fi
}

clean() {
  docker volume rm "$VOLUME" >/dev/null 2>&1 && echo "removed volume $VOLUME" || true
  if docker plugin inspect "$PLUGIN" >/dev/null 2>&1; then
    docker plugin disable -f "$PLUGIN" >/dev/null 2>&1 || true
    docker plugin rm -f "$PLUGIN" >/dev/null && echo "removed plugin $PLUGIN"
  fi
  stop_s3
  rm -rf "$DEMO" && echo "removed $DEMO"
}

if [ "${1:-}" = clean ]; then
  clean
  exit 0
fi

say "building cloudsync"
$MVN package test-compile -DskipTests
$MVN dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/target/test-classpath.txt" >/dev/null

say "starting a local S3 server (S3Proxy) on 127.0.0.1, data in .demo/s3"
stop_s3
mkdir -p "$DEMO/s3" "$DEMO/state"
secret=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
rm -f "$DEMO/s3.endpoint"
S3PROXY_SECRET_KEY=$secret setsid "$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.cloudsync.testsupport.S3ProxyMain --data "$DEMO/s3" --port 0 --access-key demo-access \
  --ready-file "$DEMO/s3.endpoint" >"$DEMO/s3proxy.log" 2>&1 < /dev/null &
echo $! > "$DEMO/s3proxy.pid"
for _ in $(seq 1 120); do [ -s "$DEMO/s3.endpoint" ] && break; sleep 0.5; done
[ -s "$DEMO/s3.endpoint" ] || { echo "S3Proxy did not start; see $DEMO/s3proxy.log" >&2; exit 1; }
endpoint=$(cat "$DEMO/s3.endpoint")
echo "S3 endpoint: $endpoint"

say "building the plugin rootfs and installing the managed plugin '$PLUGIN'"
bash plugin/build-rootfs.sh build/plugin
bash scripts/install-plugin.sh "$PLUGIN" build/plugin "$DEMO/state" \
  CLOUDSYNC_S3_ENDPOINT="$endpoint" CLOUDSYNC_S3_ACCESS_KEY=demo-access CLOUDSYNC_S3_SECRET_KEY="$secret"

say "docker volume create -d $PLUGIN -o bucket=$BUCKET -o create-bucket=true $VOLUME"
docker volume rm "$VOLUME" >/dev/null 2>&1 || true
docker volume create -d "$PLUGIN" -o bucket="$BUCKET" -o create-bucket=true -o writeback-delay=1s "$VOLUME"

say "a container writes into the volume"
docker run --rm -v "$VOLUME":/data "$IMAGE" sh -c '
  echo "hello from a container" > /data/hello.txt
  mkdir -p /data/photos/2026
  for i in 1 2 3; do echo "photo $i" > /data/photos/2026/img$i.txt; done
  dd if=/dev/urandom of=/data/photos/big.bin bs=1M count=4 2>/dev/null
  cd /data && find . -type f | sort | xargs sha256sum'

say "waiting until the volume is durable in the bucket (the plugin's flush request)"
plugin_id=$(docker plugin inspect -f '{{.Id}}' "$PLUGIN")
curl -s --unix-socket "/run/docker/plugins/$plugin_id/cloudsync.sock" -X POST \
  -d "{\"Name\":\"$VOLUME\",\"TimeoutSeconds\":60}" http://plugin/Cloudsync.Flush; echo

say "objects in bucket $BUCKET (read from the S3 server's data folder)"
(cd "$DEMO/s3/$BUCKET" && find . -type f | sort | sed 's|^\./||' | while read -r key; do
  printf "%s  %10s bytes  %s\n" "$(sha256sum "$key" | cut -d" " -f1)" "$(stat -c %s "$key")" "$key"; done)

say "docker volume inspect $VOLUME"
docker volume inspect "$VOLUME"
echo
echo "Done. The same sha256 sums on both sides: the bucket holds what the container wrote. Undo with: make demo-clean"
