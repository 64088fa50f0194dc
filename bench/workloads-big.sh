# W9 and W10 (sourced): the two figures of issue 5 about size rather than speed. They run in the first
# BENCH_BIG_REPS repetitions only; BENCH_BIGDIR_FILES=0 / BENCH_HUGE_OBJECTS=0 skip them.
#
# W9: one directory of BENCH_BIGDIR_FILES empty files, written in the volume by a container, listed with
#     `ls -l` warm, then after the same cold restart as W2/W4.
# W10: a bucket prefix of BENCH_HUGE_OBJECTS objects (BENCH_HUGE_OBJECTS / BENCH_HUGE_PER_DIR directories of
#     BENCH_HUGE_PER_DIR files, and BENCH_HUGE_ROOT_FILES more at its root), made directly in S3Proxy's data
#     directory (uploading a million objects would take hours), then: a new volume over it and the root listed
#     by a new container, timed together; then a first `ls -l` of one of its directories. The local driver's
#     comparable is a bind-mounted host directory of the same root shape, in which only that one directory is
#     filled: a listing of the root does not look into the directories below it.

HUGE_PREFIX=huge

# The W10 tree's shape, from the sizes.
huge_dirs() { echo $((BENCH_HUGE_OBJECTS / BENCH_HUGE_PER_DIR)); }
huge_sample() { echo "d$(( $(huge_dirs) / 2 ))"; }

# ls -l of the W10 root: the "total" line, a line a directory and a line a root file.
huge_root_lines() { echo $((1 + $(huge_dirs) + BENCH_HUGE_ROOT_FILES)); }

w9_big_dir() {
  local n=$BENCH_BIGDIR_FILES
  LIMIT=$BENCH_BIG_LIMIT EXPECT=$n EXPECT_WHAT=files timed w9_create create_flat /data/w9 "$n" || return 0
  durable w9_durable "$END" s3_count_is "$PREFIX/w9" "$n"
  LIMIT=$BENCH_BIG_LIMIT EXPECT=$((n + 1)) EXPECT_WHAT="lines of ls -l" timed w9_ls_warm ls_l /data/w9
  cold
  LIMIT=$BENCH_BIG_LIMIT EXPECT=$((n + 1)) EXPECT_WHAT="lines of ls -l" timed w9_ls_cold ls_l /data/w9
}

# Makes W10's objects in S3Proxy's data directory and the local driver's directory of the same root shape,
# once per run, and checks through S3 that the server serves them. Returns 1 (and says why) if it could not.
huge_prepare() {
  local ndirs t0 seen expected
  ndirs=$(huge_dirs)
  if [ "$ndirs" -lt 1 ]; then
    say "W10 skipped: BENCH_HUGE_OBJECTS=$BENCH_HUGE_OBJECTS makes no directory of $BENCH_HUGE_PER_DIR files"
    return 1
  fi
  say "W10: making $((ndirs * BENCH_HUGE_PER_DIR + BENCH_HUGE_ROOT_FILES)) objects under $HUGE_PREFIX/ in S3Proxy's data directory"
  t0=$(now)
  if ! bench_java io.cloudsync.bench.BenchObjects tree "$(s3_dir "$HUGE_PREFIX")" "$ndirs" "$BENCH_HUGE_PER_DIR" \
        "$BENCH_HUGE_ROOT_FILES" 2> "$BENCH_WORK/huge.err" \
     || ! bench_java io.cloudsync.bench.BenchObjects shape "$BENCH_WORK/huge-local" "$ndirs" "$BENCH_HUGE_PER_DIR" \
        "$BENCH_HUGE_ROOT_FILES" "$((ndirs / 2))" 2>> "$BENCH_WORK/huge.err"; then
    say "W10 skipped: the tree could not be made: $(tail -c 300 "$BENCH_WORK/huge.err")"
    return 1
  fi
  say "W10: made in $(elapsed "$t0" "$(now)") s; checking that S3 lists them"
  # Root objects, root directories, objects of the sample directory, and the ETag a HEAD of one gives.
  seen=$(S3_SECRET=$S3_SECRET_KEY bench_java io.cloudsync.bench.BenchObjects check "$S3_ENDPOINT" "$S3_ACCESS_KEY" \
    "$S3_BUCKET" "$HUGE_PREFIX" "$(huge_sample)" 2>> "$BENCH_WORK/huge.err")
  expected="$BENCH_HUGE_ROOT_FILES $ndirs $BENCH_HUGE_PER_DIR d41d8cd98f00b204e9800998ecf8427e"
  if [ "$seen" != "$expected" ]; then
    say "W10 skipped: S3 lists '$seen' where '$expected' (root objects, directories, sample objects, ETag) were made"
    return 1
  fi
  HUGE_READY=1
}

bench_java() { "$JAVA_HOME/bin/java" -cp "$BENCH_CLASSPATH" "$@"; }

# A volume over the W10 tree: the plugins' over the bucket prefix, local's a bind mount of the same shape.
huge_volume_create() {
  if [ "$DRIVER" = local ]; then
    docker volume create -d local --label "$BENCH_LABEL" -o type=none -o o=bind -o device="$BENCH_WORK/huge-local" \
      "$1" >/dev/null
  else
    drv volume_create "$1" "$HUGE_PREFIX"
  fi
}

# W10 for one driver: volume created and root listed (host clock, container start-up included: it is part of
# "mounted and listed"), then a first listing of one directory, timed inside its container.
w10_huge_bucket() {
  [ "${HUGE_READY:-0}" = 1 ] || return 0
  local vol=bench-$BENCH_RUN_ID-$DRIVER-$REP-huge t0 t1 lines out
  say "== $DRIVER, repetition $REP: W10 (volume $vol over $HUGE_PREFIX/)"
  drop_caches
  t0=$(now)
  if ! huge_volume_create "$vol"; then
    record "$DRIVER" "$REP" w10_mount_ls null "docker volume create failed"
    return 0
  fi
  if ! lines=$(docker run --rm --label "$BENCH_LABEL" -v "$vol:/data" "$BENCH_IMAGE" sh -c 'ls -l /data | wc -l' \
      2> "$BENCH_WORK/op.err"); then
    record "$DRIVER" "$REP" w10_mount_ls null "failed: $(tail -c 300 "$BENCH_WORK/op.err")"
  else
    t1=$(now)
    if [ "$lines" = "$(huge_root_lines)" ]; then
      record "$DRIVER" "$REP" w10_mount_ls "$(elapsed "$t0" "$t1")"
    else
      record "$DRIVER" "$REP" w10_mount_ls null "saw $lines lines of ls -l where $(huge_root_lines) were expected"
    fi
    drop_caches
    w10_subdir_listing "$vol"
  fi
  drv volume_remove "$vol" || warn "could not remove volume $vol"
}

w10_subdir_listing() {
  local out t0 t_end n expect=$((BENCH_HUGE_PER_DIR + 1))
  if ! out=$(docker run --rm --label "$BENCH_LABEL" -v "$1:/data" -v "$BENCH_OPS:/bench:ro" "$BENCH_IMAGE" \
      sh /bench/ops.sh ls_l "/data/$(huge_sample)" 2> "$BENCH_WORK/op.err"); then
    record "$DRIVER" "$REP" w10_subdir_ls null "failed: $(tail -c 300 "$BENCH_WORK/op.err")"
    return 0
  fi
  read -r t0 t_end n <<< "$out"
  if [ "$n" = "$expect" ]; then
    record "$DRIVER" "$REP" w10_subdir_ls "$(elapsed "$t0" "$t_end")"
  else
    record "$DRIVER" "$REP" w10_subdir_ls null "saw $n lines of ls -l where $expect were expected"
  fi
}
