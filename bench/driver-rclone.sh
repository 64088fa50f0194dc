# rclone's Docker volume plugin (sourced): Debian's rclone running `rclone serve docker` as a legacy plugin
# process on /run/docker/plugins/$RC_PLUGIN.sock, started and stopped by its PID. VFS cache mode full and
# write-back 1 s, as the issue asks. Uploads carry a fixed Content-Type: S3Proxy refuses a signed Content-Type
# with "charset=utf-8", which rclone would send for text files.

RC_PLUGIN=${BENCH_RCLONE_PLUGIN:-rclone-bench}
RC_SOCKET=/run/docker/plugins/$RC_PLUGIN.sock
RC_REMOTE=bench-s3
RC_PID=
RC_BIN=${BENCH_RCLONE:-rclone}

rclone_prepare() {
  if ! command -v "$RC_BIN" >/dev/null; then
    BENCH_UNAVAILABLE="$RC_BIN is not installed (Debian package rclone)"
    return 1
  fi
  if [ -S "$RC_SOCKET" ] && socket_answers "$RC_SOCKET" /VolumeDriver.Capabilities; then
    BENCH_UNAVAILABLE="another process serves $RC_SOCKET"
    return 1
  fi
  rm -f "$RC_SOCKET"
  RC_DIR=$BENCH_WORK/rclone
  mkdir -p "$RC_DIR/mnt"
  (
    umask 077
    printf '[%s]\ntype = s3\nprovider = Other\nendpoint = %s\nregion = us-east-1\naccess_key_id = %s\nsecret_access_key = %s\n' \
      "$RC_REMOTE" "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" > "$RC_DIR/rclone.conf"
  )
  rclone_start_timed 0 || { BENCH_UNAVAILABLE="rclone serve docker did not start; see $BENCH_OUT/rclone.log"; return 1; }
  say "rclone $("$RC_BIN" version 2>/dev/null | head -n 1 | awk '{print $2}') serving $RC_SOCKET (pid $RC_PID)"
}

rclone_start_timed() {
  local rep=$1 t0
  rm -rf "$RC_DIR/cache"
  t0=$(now)
  # AWS_* variables of the calling environment (a CA bundle, say) would change how rclone's S3 client behaves.
  setsid env -u AWS_CA_BUNDLE -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
    "$RC_BIN" serve docker --config "$RC_DIR/rclone.conf" --cache-dir "$RC_DIR/cache" --base-dir "$RC_DIR/mnt" \
    --socket-addr "$RC_SOCKET" --no-spec --vfs-cache-mode full --vfs-write-back 1s \
    --header-upload "Content-Type: application/octet-stream" -v >> "$BENCH_OUT/rclone.log" 2>&1 < /dev/null &
  RC_PID=$!
  start_figures rclone "$rep" "$t0" "$RC_SOCKET"
  kill -0 "$RC_PID" 2>/dev/null
}

rclone_stop() {
  [ -n "$RC_PID" ] || return 0
  if kill -0 "$RC_PID" 2>/dev/null; then
    kill "$RC_PID"
    local _
    for _ in $(seq 1 40); do kill -0 "$RC_PID" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$RC_PID" 2>/dev/null && kill -9 "$RC_PID"
  fi
  RC_PID=
  # A killed rclone can leave its FUSE mounts behind.
  local m
  for m in $(awk -v d="$RC_DIR/mnt" 'index($2, d) == 1 { print $2 }' /proc/mounts); do
    fusermount3 -u -z "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || warn "could not unmount $m"
  done
  rm -f "$RC_SOCKET"
}

rclone_teardown() {
  [ -n "${RC_DIR:-}" ] || return 0
  rclone_stop
  rm -rf "$RC_DIR"
}

rclone_pid() { [ -n "$RC_PID" ] && echo "$RC_PID"; }

rclone_volume_create() {
  docker volume create -d "$RC_PLUGIN" --label "$BENCH_LABEL" -o remote="$RC_REMOTE:$S3_BUCKET/$2" \
    -o vfs-cache-mode=full -o vfs-write-back=1s "$1" >/dev/null
}

rclone_volume_remove() { docker volume rm -f "$1" >/dev/null; }

# Restarts rclone with an empty cache directory; its volumes were removed first.
rclone_restart_empty() {
  rclone_stop
  rclone_start_timed "$1"
}
