# The workloads W1..W10 of issue 5 (sourced), run for one driver and one repetition by run_session.
#
# A "holder" container keeps the volume mounted between the steps, as a long-running service would: Docker
# unmounts a volume when its last container exits, and what a driver does then is W7's subject, not the
# others'. Each step runs in the holder (docker exec) and is timed inside it, without container start-up.
# Durability is timed from the end of the step until the bucket shows the result (cloudsync: after its flush
# request; rclone: polling, since it has no such request; local: n/a).

DRIVER= REP= VOL= PREFIX= HOLD= PEAK_RSS=

drv() { local op=$1; shift; "${DRIVER}_$op" "$@"; }

hold_start() {
  HOLD=bench-$BENCH_RUN_ID-hold
  docker run -d --name "$HOLD" --label "$BENCH_LABEL" -v "$VOL:/data" -v "$BENCH_OPS:/bench:ro" \
    "$BENCH_IMAGE" sleep 86400 >/dev/null
}

hold_stop() { docker rm -f "$HOLD" >/dev/null 2>&1 || true; }

# op OPERATION ARGS...: runs bench/ops/ops.sh in the holder; prints "START END [RESULT]".
op() { docker exec "$HOLD" sh /bench/ops.sh "$@"; }

# timed METRIC OPERATION ARGS...: records the operation's duration; leaves its END in $END, RESULT in $RESULT.
# With EXPECT set, the first word of RESULT must equal it (files seen, bytes read): a listing that misses files
# is fast for the wrong reason, so it is recorded as not taken, with what was seen. With LIMIT set (seconds), an
# operation still running then is recorded as not finished and its volume's FUSE connection is aborted: a driver
# that stops answering holds the program in a request no signal ends, and the run would never finish.
timed() {
  local metric=$1 out t0 expect=${EXPECT:-} limit=${LIMIT:-}
  shift
  END= RESULT= EXPECT= LIMIT=
  if [ -n "$limit" ]; then
    if ! out=$(op_within "$limit" "$@"); then
      record "$DRIVER" "$REP" "$metric" null "$(tail -c 300 "$BENCH_WORK/op.err")"
      return 1
    fi
  elif ! out=$(op "$@" 2> "$BENCH_WORK/op.err"); then
    record "$DRIVER" "$REP" "$metric" null "failed: $(tail -c 300 "$BENCH_WORK/op.err")"
    return 1
  fi
  read -r t0 END RESULT <<< "$out"
  if [ -n "$expect" ] && [ "${RESULT%% *}" != "$expect" ]; then
    # What the operation said on stderr (ls names each entry it could not stat) tells a missing name from a
    # failed lookup.
    record "$DRIVER" "$REP" "$metric" null "saw ${RESULT%% *} where $expect were written (${EXPECT_WHAT:-entries});\
 stderr: $(tail -c 300 "$BENCH_WORK/op.err")"
    return 1
  fi
  record "$DRIVER" "$REP" "$metric" "$(elapsed "$t0" "$END")"
}

# op_within SECONDS OPERATION ARGS...: op, given SECONDS to finish. Prints what op printed; on failure, op.err
# says why ("failed: ..." or "did not finish within ...").
op_within() {
  local limit=$1 pid t0 out=$BENCH_WORK/op.out
  shift
  : > "$out"
  t0=$(now)
  op "$@" > "$out" 2> "$BENCH_WORK/op.err.raw" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if awk -v t="$(now)" -v d="$t0" -v l="$limit" 'BEGIN { exit !(t - d > l) }'; then
      abort_fuse_connection "$VOL"
      wait "$pid" 2>/dev/null
      echo "did not finish within $limit s; the volume's FUSE connection was aborted" > "$BENCH_WORK/op.err"
      return 1
    fi
    sleep 1
  done
  if ! wait "$pid"; then
    echo "failed: $(tail -c 300 "$BENCH_WORK/op.err.raw")" > "$BENCH_WORK/op.err"
    return 1
  fi
  mv -f "$BENCH_WORK/op.err.raw" "$BENCH_WORK/op.err"
  cat "$out"
}

# durable METRIC T_END CONDITION...: records the time from T_END until CONDITION holds in the bucket.
durable() {
  local metric=$1 t_end=$2 secs
  shift 2
  local timeout=$BENCH_DURABLE_TIMEOUT why="not in the bucket within $BENCH_DURABLE_TIMEOUT s"
  [ "$DRIVER" = local ] && return 0
  if [ "$DRIVER" = cloudsync ]; then
    if cloudsync_flush "$VOL"; then
      # Durable by the plugin's word: the bucket must show it now (a little slack for the server's rename).
      timeout=5 why="the flush request answered durable, yet the bucket did not show it"
    else
      warn "flush of $VOL did not report durable; polling the bucket"
    fi
  fi
  secs=$(since "$t_end" "$timeout" "$@")
  if [ -n "$secs" ]; then
    [ -n "$metric" ] && record "$DRIVER" "$REP" "$metric" "$secs"
  else
    record "$DRIVER" "$REP" "${metric:-setup}" null "$why ($(s3_objects "$PREFIX") objects under the volume's prefix)"
  fi
}

note_rss() {
  local pid
  pid=$(drv pid)
  [ -n "$pid" ] && PEAK_RSS=$(max_of "$PEAK_RSS" "$(peak_rss_mib "$pid")")
  return 0
}

# cold: the same volume over the same bucket prefix, served by a restarted driver with an empty cache, and
# an empty host page cache. The local driver keeps its volume; only the page cache is dropped.
cold() {
  if [ "$DRIVER" != local ]; then
    hold_stop
    note_rss
    drv volume_remove "$VOL"
    drv restart_empty "$REP"
    drv volume_create "$VOL" "$PREFIX"
    hold_start
  fi
  drop_caches
}

w1_write_and_durable() {
  local bytes=$((BENCH_SIZE_MB * 1024 * 1024))
  timed w1_write write_big /data/w1.bin "$BENCH_SIZE_MB" || return 0
  durable w1_durable "$END" s3_has_object "$PREFIX/w1.bin" "$bytes"
  if [ "$DRIVER" = local ]; then
    local src=$BENCH_WORK/local/$VOL/w1.bin
    [ -f "$src" ] || src="$(docker volume inspect -f '{{.Mountpoint}}' "$VOL")/w1.bin"
    bare_upload "$src"
  fi
}

# The same file, uploaded by a bare MinIO client (the project's MinioObjectStore) to the same server.
bare_upload() {
  local secs
  if secs=$(S3_SECRET=$S3_SECRET_KEY "$JAVA_HOME/bin/java" -cp "$BENCH_CLASSPATH" io.cloudsync.bench.BareUpload \
      "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_BUCKET" "bare/r$REP/w1.bin" "$1" 2> "$BENCH_WORK/bare.err"); then
    record minio-client "$REP" bare_upload "$secs"
  else
    record minio-client "$REP" bare_upload null "failed: $(tail -c 300 "$BENCH_WORK/bare.err")"
  fi
  rm -rf "$(s3_dir "bare/r$REP")"
}

# want WORKLOAD: the run measures it (BENCH_ONLY, a list such as "w9,w10", empty for all; a size of 0 skips W9/W10).
want() {
  case $1 in
    w9) [ "$BENCH_BIGDIR_FILES" -gt 0 ] || return 1 ;;
    w10) [ "$BENCH_HUGE_OBJECTS" -gt 0 ] || return 1 ;;
  esac
  [ -z "$BENCH_ONLY" ] && return 0
  case ",$(echo "$BENCH_ONLY" | tr ' ' ','),," in
    *",$1,"*) return 0 ;;
    *) return 1 ;;
  esac
}

# Whether the session's own volume (W1..W9) is needed at all; W10 makes volumes of its own.
want_session_volume() {
  local w
  for w in w1 w2 w3 w4 w5 w6 w7 w8 w9; do want "$w" && return 0; done
  return 1
}

# The steps in order; W2 reads W1's file and W4 lists W3's tree, so selecting w2 or w4 alone measures nothing.
run_workloads() {
  local bytes=$((BENCH_SIZE_MB * 1024 * 1024)) entries lines=
  entries=$((BENCH_FILES + 1 + (BENCH_DIRS > 1 ? BENCH_DIRS : 0)))
  want w1 && w1_write_and_durable
  want w2 && EXPECT=$bytes EXPECT_WHAT=bytes timed w2_warm read_big /data/w1.bin

  if want w3; then
    timed w3_create create_tree /data/w3 "$BENCH_DIRS" "$BENCH_FILES" 4096 \
      && durable w3_durable "$END" s3_count_is "$PREFIX/w3" "$BENCH_FILES"
  fi
  if want w4; then
    EXPECT=$entries timed w4_find_warm find_count /data/w3
    timed w4_ls_warm ls_lr /data/w3 && lines=${RESULT%% *}
  fi

  if want w2 || want w4; then
    cold
    want w2 && EXPECT=$bytes EXPECT_WHAT=bytes timed w2_cold read_big /data/w1.bin
    want w4 && EXPECT=$entries timed w4_find_cold find_count /data/w3
  fi
  if want w4; then
    cold
    EXPECT=$lines EXPECT_WHAT="lines of ls -lR" timed w4_ls_cold ls_lr /data/w3
  fi

  # W5: a directory whose files are all in the bucket, renamed.
  if want w5; then
    op create_tree /data/w5 1 "$BENCH_RENAME_FILES" 4096 > /dev/null \
      && durable "" "$(now)" s3_count_is "$PREFIX/w5" "$BENCH_RENAME_FILES"
    timed w5_rename rename /data/w5 /data/w5r \
      && durable w5_durable "$END" s3_moved "$PREFIX/w5" "$PREFIX/w5r" "$BENCH_RENAME_FILES"
  fi

  want w6 && timed w6_delete delete_all /data && durable w6_durable "$END" s3_empty "$PREFIX"

  want w7 && w7_last_exit
  want w8 && w8_sqlite
  want w9 && [ "$REP" -le "$BENCH_BIG_REPS" ] && w9_big_dir
  return 0
}

# W7: a short-lived container writes and exits as the volume's last user; nothing asks for durability.
w7_last_exit() {
  local out t0 t_end secs
  hold_stop
  if ! out=$(docker run --rm --label "$BENCH_LABEL" -v "$VOL:/data" -v "$BENCH_OPS:/bench:ro" "$BENCH_IMAGE" \
      sh /bench/ops.sh create_tree /data/w7 1 "$BENCH_EXIT_FILES" 16384 2> "$BENCH_WORK/op.err"); then
    record "$DRIVER" "$REP" w7_durable null "failed: $(tail -c 300 "$BENCH_WORK/op.err")"
    hold_start
    return 0
  fi
  [ "$DRIVER" = local ] && { hold_start; return 0; }
  read -r t0 t_end _ <<< "$out"
  secs=$(since "$t_end" "$BENCH_EXIT_TIMEOUT" s3_count_is "$PREFIX/w7" "$BENCH_EXIT_FILES")
  if [ -n "$secs" ]; then
    record "$DRIVER" "$REP" w7_durable "$secs"
  else
    record "$DRIVER" "$REP" w7_durable null "not in the bucket $BENCH_EXIT_TIMEOUT s after the last container exited"
  fi
  hold_start
  # A driver that uploads only once mounted again does it now; let it finish before W8 is timed.
  since "$(now)" "$BENCH_DURABLE_TIMEOUT" s3_count_is "$PREFIX/w7" "$BENCH_EXIT_FILES" >/dev/null
}

w8_sqlite() {
  timed w8_sqlite sqlite_tx /data/w8.db "$BENCH_SQLITE_TX" || return 0
  if timed w8_check sqlite_check /data/w8.db; then
    local rows integrity
    read -r rows integrity <<< "$RESULT"
    record "$DRIVER" "$REP" w8_rows "${rows:-null}" "of $BENCH_SQLITE_TX committed"
    [ "$integrity" = ok ] && record "$DRIVER" "$REP" w8_integrity 1 \
      || record "$DRIVER" "$REP" w8_integrity 0 "integrity_check: $integrity"
  fi
}

# run_session DRIVER REP: a fresh volume on a fresh bucket prefix, every workload, then the volume removed;
# then W10, on volumes of its own over the bucket's big prefix.
run_session() {
  DRIVER=$1 REP=$2 PEAK_RSS=
  VOL=bench-$BENCH_RUN_ID-$DRIVER-$REP
  PREFIX=$DRIVER-r$REP
  if want_session_volume; then
    session_workloads
  fi
  if want w10 && [ "$REP" -le "$BENCH_BIG_REPS" ]; then
    w10_huge_bucket
  fi
}

session_workloads() {
  say "== $DRIVER, repetition $REP (volume $VOL)"
  if ! drv volume_create "$VOL" "$PREFIX"; then
    record "$DRIVER" "$REP" session null "docker volume create failed"
    return 0
  fi
  if hold_start; then
    run_workloads
  else
    record "$DRIVER" "$REP" session null "a container could not mount the volume"
  fi
  note_rss
  [ -n "$PEAK_RSS" ] && record "$DRIVER" "$REP" peak_rss_mib "$PEAK_RSS"
  hold_stop
  drv volume_remove "$VOL" || warn "could not remove volume $VOL"
}
