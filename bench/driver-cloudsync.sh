# cloudsync as a managed plugin of its own name and state directory (sourced). The rootfs is the one
# plugin/build-rootfs.sh assembles; the plugin talks to the run's S3Proxy. Durability is asked for with the
# plugin's flush request (POST /Cloudsync.Flush), then checked in the bucket.

CS_PLUGIN=${BENCH_CLOUDSYNC_PLUGIN:-cloudsync-bench}

cs_socket() { printf '/run/docker/plugins/%s/cloudsync.sock' "$CS_ID"; }

# Answers POST ROUTE on SOCKET with a 2xx: the plugin is serving.
socket_answers() {
  curl -sf -o /dev/null --max-time 2 --unix-socket "$1" -X POST -d '{}' "http://plugin$2"
}

# start_figures DRIVER REP T0 SOCKET: records how long after T0 the socket answered a Capabilities request
# (listening) and a List request (volumes served; the driver behind it is initialised).
start_figures() {
  local driver=$1 rep=$2 t0=$3 sock=$4 t
  if t=$(BENCH_POLL=0.01 wait_until 60 socket_answers "$sock" /VolumeDriver.Capabilities); then
    record "$driver" "$rep" start_to_socket "$(elapsed "$t0" "$t")"
  else
    record "$driver" "$rep" start_to_socket null "no answer within 60 s"
  fi
  if t=$(BENCH_POLL=0.01 wait_until 60 socket_answers "$sock" /VolumeDriver.List); then
    record "$driver" "$rep" start_to_ready "$(elapsed "$t0" "$t")"
  else
    record "$driver" "$rep" start_to_ready null "no answer within 60 s"
  fi
}

cs_enable_timed() {
  local rep=$1 t0 enabler
  t0=$(now)
  docker plugin enable "$CS_PLUGIN" > "$BENCH_OUT/cloudsync-enable.log" 2>&1 &
  enabler=$!
  start_figures cloudsync "$rep" "$t0" "$(cs_socket)"
  if ! wait "$enabler"; then
    say "docker plugin enable $CS_PLUGIN failed: $(cat "$BENCH_OUT/cloudsync-enable.log")"
    return 1
  fi
}

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
          CLOUDSYNC_S3_ACCESS_KEY="$S3_ACCESS_KEY" CLOUDSYNC_S3_SECRET_KEY="$S3_SECRET_KEY"; then
    BENCH_UNAVAILABLE="docker plugin create/set $CS_PLUGIN failed"
    return 1
  fi
  CS_ID=$(docker plugin inspect -f '{{.Id}}' "$CS_PLUGIN")
  cs_enable_timed 0 || { BENCH_UNAVAILABLE="docker plugin enable $CS_PLUGIN failed"; return 1; }
  say "plugin $CS_PLUGIN enabled (id ${CS_ID:0:12}, state in $CS_STATE)"
}

cloudsync_teardown() {
  docker plugin inspect "$CS_PLUGIN" >/dev/null 2>&1 || return 0
  docker plugin disable -f "$CS_PLUGIN" >/dev/null 2>&1 || true
  docker plugin rm -f "$CS_PLUGIN" >/dev/null 2>&1 || warn "could not remove plugin $CS_PLUGIN"
}

# The plugin's Java process: the child of the containerd shim that runs the plugin's id.
cloudsync_pid() {
  local shim
  shim=$(pgrep -f -- "-id $CS_ID( |$)" | head -n 1)
  [ -n "$shim" ] && pgrep -P "$shim" | head -n 1
}

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
