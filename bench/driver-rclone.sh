# rclone's Docker volume plugin (sourced): Debian's rclone running `rclone serve docker` as a managed plugin
# (bench/rclone-plugin/build.sh), as users install rclone's own plugin. VFS cache mode full and write-back 1 s, as
# the issue asks; uploads carry a fixed Content-Type (see the plugin's config.json).

RC_PLUGIN=${BENCH_RCLONE_PLUGIN:-rclone-bench}
RC_REMOTE=bench-s3
RC_BIN=${BENCH_RCLONE:-rclone}
RC_ID=

rc_socket() { printf '/run/docker/plugins/%s/rclone.sock' "$RC_ID"; }

rclone_prepare() {
  if ! command -v "$RC_BIN" >/dev/null; then
    BENCH_UNAVAILABLE="$RC_BIN is not installed (Debian package rclone)"
    return 1
  fi
  rclone_teardown
  RC_DIR=$BENCH_WORK/rclone
  mkdir -p "$RC_DIR/config" "$RC_DIR/cache"
  (
    umask 077
    printf '[%s]\ntype = s3\nprovider = Other\nendpoint = %s\nregion = us-east-1\naccess_key_id = %s\nsecret_access_key = %s\n' \
      "$RC_REMOTE" "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" > "$RC_DIR/config/rclone.conf"
  )
  if ! bash bench/rclone-plugin/build.sh "$RC_DIR/plugin" 2>> "$BENCH_OUT/rclone.log"; then
    BENCH_UNAVAILABLE="could not assemble the rclone plugin; see $BENCH_OUT/rclone.log"
    return 1
  fi
  if ! docker plugin create "$RC_PLUGIN" "$RC_DIR/plugin" >/dev/null \
     || ! docker plugin set "$RC_PLUGIN" config.source="$RC_DIR/config" cache.source="$RC_DIR/cache" \
          RCLONE_VFS_WRITE_BACK="$BENCH_WRITEBACK_DELAY"; then
    BENCH_UNAVAILABLE="docker plugin create/set $RC_PLUGIN failed"
    return 1
  fi
  RC_ID=$(docker plugin inspect -f '{{.Id}}' "$RC_PLUGIN")
  managed_plugin_enable_timed rclone "$RC_PLUGIN" "$(rc_socket)" 0 \
    || { BENCH_UNAVAILABLE="docker plugin enable $RC_PLUGIN failed"; return 1; }
  say "plugin $RC_PLUGIN enabled ($("$RC_BIN" version 2>/dev/null | head -n 1 | awk '{print $2}'), id ${RC_ID:0:12})"
}

rclone_teardown() { managed_plugin_remove "$RC_PLUGIN"; }

rclone_pid() { managed_plugin_pid "$RC_ID"; }

rclone_volume_create() {
  docker volume create -d "$RC_PLUGIN" --label "$BENCH_LABEL" -o remote="$RC_REMOTE:$S3_BUCKET/$2" \
    -o vfs-cache-mode=full -o vfs-write-back="$BENCH_WRITEBACK_DELAY" "$1" >/dev/null
}

rclone_volume_remove() { docker volume rm -f "$1" >/dev/null; }

# Restarts the plugin with an empty cache directory; its volumes were removed first.
rclone_restart_empty() {
  docker plugin disable "$RC_PLUGIN" >/dev/null 2>&1 || docker plugin disable -f "$RC_PLUGIN" >/dev/null
  rm -rf "${RC_DIR:?}/cache"
  mkdir -p "$RC_DIR/cache"
  managed_plugin_enable_timed rclone "$RC_PLUGIN" "$(rc_socket)" "$1"
}
