# cloudsync as a managed plugin of its own name and state directory (sourced). The rootfs is the one
# plugin/build-rootfs.sh assembles; the plugin talks to the run's S3Proxy. Durability is asked for with the
# plugin's flush request (POST /Cloudsync.Flush), then checked in the bucket.

CS_PLUGIN=${BENCH_CLOUDSYNC_PLUGIN:-cloudsync-bench}

cs_socket() { printf '/run/docker/plugins/%s/cloudsync.sock' "$CS_ID"; }

cs_enable_timed() { managed_plugin_enable_timed cloudsync "$CS_PLUGIN" "$(cs_socket)" "$1"; }

cloudsync_prepare() {
  if [ ! -f "$BENCH_PLUGIN_DIR/config.json" ]; then
    BENCH_UNAVAILABLE="the plugin rootfs was not built (plugin/build-rootfs.sh failed)"
    return 1
  fi
  cloudsync_teardown
  CS_STATE=$BENCH_WORK/cloudsync-state
  mkdir -p "$CS_STATE"
  if ! docker plugin create "$CS_PLUGIN" "$BENCH_PLUGIN_DIR" >/dev/null \
     || ! docker plugin set "$CS_PLUGIN" state.source="$CS_STATE" CLOUDSYNC_S3_ENDPOINT="$S3_ENDPOINT" \
          CLOUDSYNC_S3_ACCESS_KEY="$S3_ACCESS_KEY" CLOUDSYNC_S3_SECRET_KEY="$S3_SECRET_KEY" \
     || { [ -n "$BENCH_CLOUDSYNC_JVM" ] && ! docker plugin set "$CS_PLUGIN" JDK_JAVA_OPTIONS="$BENCH_CLOUDSYNC_JVM"; }; then
    BENCH_UNAVAILABLE="docker plugin create/set $CS_PLUGIN failed"
    return 1
  fi
  CS_ID=$(docker plugin inspect -f '{{.Id}}' "$CS_PLUGIN")
  cs_enable_timed 0 || { BENCH_UNAVAILABLE="docker plugin enable $CS_PLUGIN failed"; return 1; }
  say "plugin $CS_PLUGIN enabled (id ${CS_ID:0:12}, state in $CS_STATE)"
}

cloudsync_teardown() { managed_plugin_remove "$CS_PLUGIN"; }

# The plugin's Java process.
cloudsync_pid() { managed_plugin_pid "$CS_ID"; }

cloudsync_volume_create() {
  docker volume create -d "$CS_PLUGIN" --label "$BENCH_LABEL" -o bucket="$S3_BUCKET" -o prefix="$2" \
    -o writeback-delay="$BENCH_WRITEBACK_DELAY" "$1" >/dev/null
}

cloudsync_volume_remove() { docker volume rm -f "$1" >/dev/null; }

# Restarts the plugin; its volumes were removed first, which deleted their caches.
cloudsync_restart_empty() {
  local rep=$1
  docker plugin disable "$CS_PLUGIN" >/dev/null 2>&1 || docker plugin disable -f "$CS_PLUGIN" >/dev/null
  cs_enable_timed "$rep"
}

# Asks the plugin to upload everything of volume NAME now; succeeds when it says the volume is durable.
cloudsync_flush() {
  local answer
  answer=$(curl -sf --max-time "$((BENCH_DURABLE_TIMEOUT + 10))" --unix-socket "$(cs_socket)" -X POST \
    -d "{\"Name\":\"$1\",\"TimeoutSeconds\":$BENCH_DURABLE_TIMEOUT}" http://plugin/Cloudsync.Flush) || return 1
  case "$answer" in
    *'"durable":true'*|*'"Durable":true'*) return 0 ;;
    *) warn "flush of $1 answered $answer"; return 1 ;;
  esac
}
