#!/usr/bin/env bash
# make bench: the same workloads on volumes of Docker's `local` driver, cloudsync and rclone's plugin, against
# one S3Proxy on loopback, in one run. Prints a markdown table of medians (min–max) over the repetitions with
# each driver's ratio to `local`; raw figures in build/bench/results.json; the table goes into
# docs/PERFORMANCE.md (BENCH_DOC=none to leave it). Never fails on a timing: a figure that could not be
# taken, or a driver that could not run, is said so in the table.
#
# Sizes and counts (environment; the defaults make a run of under 15 minutes on 2 cores; W9 and W10 are off by
# default, as at issue 5's sizes they take most of an hour against S3Proxy: `make bench-big` turns them on):
#   BENCH_SIZE_MB=1024  W1/W2 file size      BENCH_FILES=5000 BENCH_DIRS=50  W3/W4 tree
#   BENCH_RENAME_FILES=1000  W5              BENCH_EXIT_FILES=100  W7        BENCH_SQLITE_TX=2000  W8
#   BENCH_BIGDIR_FILES=0  W9: files in one directory (0 skips W9; make bench-big: 100000)
#   BENCH_HUGE_OBJECTS=0  W10: objects in the bucket (make bench-big: 1000000), in directories of BENCH_HUGE_PER_DIR=1000, plus
#     BENCH_HUGE_ROOT_FILES=100 at the root (0 skips W10)     BENCH_BIG_REPS=1  repetitions that run W9/W10
#   BENCH_BIG_LIMIT=1200  seconds a W9 step may take; then it is recorded as not finished and the volume's FUSE
#     connection is aborted (a driver that re-lists a huge directory for ever would hold the run)
#   BENCH_ONLY=w9,w10  only these workloads (empty: all; w2 needs w1, w4 needs w3)
#   BENCH_REPS=2  repetitions (each ~6-7 min) BENCH_DRIVERS="local cloudsync rclone"  BENCH_RCLONE=rclone
#   BENCH_WRITEBACK_DELAY=1s  cloudsync's writeback-delay (rclone: --vfs-write-back 1s)
#   BENCH_DURABLE_TIMEOUT=300 / BENCH_EXIT_TIMEOUT=15  seconds to wait for the bucket (W7: after the exit)
#   BENCH_KEEP=1  keep the work directory (S3 data, plugin state) for a look after the run
#   BENCH_CLOUDSYNC_JVM="..."  the cloudsync plugin's JDK_JAVA_OPTIONS instead of its default (to try JVM settings)
#   BENCH_FS=own  every driver's data on a fresh ext4 image, loop-mounted (bench/fs.sh says why); host: the host's disk
#     BENCH_FS_GB=64 BENCH_FS_INODES=3000000  its (sparse) size and inodes
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

: "${BENCH_SIZE_MB:=1024}" "${BENCH_FILES:=5000}" "${BENCH_DIRS:=50}" "${BENCH_RENAME_FILES:=1000}"
: "${BENCH_EXIT_FILES:=100}" "${BENCH_SQLITE_TX:=2000}" "${BENCH_REPS:=2}"
: "${BENCH_BIGDIR_FILES:=0}" "${BENCH_HUGE_OBJECTS:=0}" "${BENCH_HUGE_PER_DIR:=1000}"
: "${BENCH_HUGE_ROOT_FILES:=100}" "${BENCH_BIG_REPS:=1}" "${BENCH_ONLY:=}" "${BENCH_BIG_LIMIT:=1200}" "${BENCH_CLOUDSYNC_JVM:=}"
: "${BENCH_DRIVERS:=local cloudsync rclone}" "${BENCH_WRITEBACK_DELAY:=1s}"
: "${BENCH_DURABLE_TIMEOUT:=300}" "${BENCH_EXIT_TIMEOUT:=15}" "${BENCH_POLL:=0.1}"
: "${BENCH_FS:=own}" "${BENCH_FS_GB:=64}" "${BENCH_FS_INODES:=3000000}"
: "${BENCH_OUT:=$ROOT/build/bench}" "${BENCH_DOC:=$ROOT/docs/PERFORMANCE.md}" "${MVN:=mvn -B -q}"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

BENCH_RUN_ID=b$$
BENCH_LABEL=cloudsync-bench=$BENCH_RUN_ID
BENCH_OPS=$ROOT/bench/ops
BENCH_WORK=$BENCH_OUT/work-$BENCH_RUN_ID
BENCH_PLUGIN_DIR=$BENCH_OUT/plugin
STARTED_DRIVERS=()

source bench/lib.sh
source bench/fs.sh
source bench/s3.sh
source bench/image.sh
source bench/driver-local.sh
source bench/driver-cloudsync.sh
source bench/driver-rclone.sh
source bench/workloads.sh
source bench/workloads-big.sh

cleanup() {
  trap - EXIT INT TERM
  say "cleaning up"
  local ids d
  ids=$(docker ps -aq --filter "label=$BENCH_LABEL" 2>/dev/null)
  [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1
  ids=$(docker volume ls -q --filter "label=$BENCH_LABEL" 2>/dev/null)
  [ -n "$ids" ] && docker volume rm -f $ids >/dev/null 2>&1
  for d in "${STARTED_DRIVERS[@]}"; do "${d}_teardown"; done
  s3_stop
  fs_stop
  if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept $BENCH_WORK (BENCH_KEEP=1)"; else rm -rf "$BENCH_WORK"; fi
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

build() {
  say "building cloudsync, its test classes and the plugin rootfs"
  $MVN package test-compile -DskipTests || return 1
  $MVN dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$ROOT/target/test-classpath.txt" \
    >/dev/null || return 1
  BENCH_CLASSPATH=$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$ROOT/target/test-classpath.txt")
  if bash plugin/build-rootfs.sh "$BENCH_PLUGIN_DIR" >/dev/null; then
    # Docker refuses to create a plugin byte-identical to one installed under another name: make it unique.
    echo "$BENCH_RUN_ID" > "$BENCH_PLUGIN_DIR/rootfs/etc/cloudsync-bench"
  else
    rm -rf "$BENCH_PLUGIN_DIR"
  fi
}

record_context() {
  local mem cpu
  mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  printf '{"machine":{"nproc":%s,"memory":"%s","cpu":"%s","kernel":"%s","data":"%s","date":"%s","docker":"%s","rclone":"%s"}}\n' \
    "$(nproc)" "$mem" "$(json_escape "$cpu")" "$(uname -r)" "$(fs_describe)" "$(date -u +%Y-%m-%dT%H:%MZ)" \
    "$(docker version -f '{{.Server.Version}}' 2>/dev/null)" \
    "$("$RC_BIN" version 2>/dev/null | head -n 1 | awk '{print $2}')" >> "$BENCH_OUT/raw.jsonl"
  printf '{"config":{"size_mb":%s,"files":%s,"dirs":%s,"rename_files":%s,"exit_files":%s,"sqlite_tx":%s,' \
    "$BENCH_SIZE_MB" "$BENCH_FILES" "$BENCH_DIRS" "$BENCH_RENAME_FILES" "$BENCH_EXIT_FILES" "$BENCH_SQLITE_TX" \
    >> "$BENCH_OUT/raw.jsonl"
  printf '"bigdir_files":%s,"huge_objects":%s,"huge_dirs":%s,"huge_per_dir":%s,"huge_root_files":%s,' \
    "$(want w9 && echo "$BENCH_BIGDIR_FILES" || echo 0)" "$(want w10 && echo "$BENCH_HUGE_OBJECTS" || echo 0)" \
    "$(huge_dirs)" "$BENCH_HUGE_PER_DIR" "$BENCH_HUGE_ROOT_FILES" >> "$BENCH_OUT/raw.jsonl"
  printf '"big_reps":%s,"only":"%s","cloudsync_jvm":"%s",' "$BENCH_BIG_REPS" "$(json_escape "$BENCH_ONLY")" \
    "$(json_escape "$BENCH_CLOUDSYNC_JVM")" >> "$BENCH_OUT/raw.jsonl"
  printf '"reps":%s,"writeback_delay":"%s","durable_timeout":%s,"exit_timeout":%s,"drivers":"%s"}}\n' \
    "$BENCH_REPS" "$BENCH_WRITEBACK_DELAY" "$BENCH_DURABLE_TIMEOUT" "$BENCH_EXIT_TIMEOUT" "$BENCH_DRIVERS" \
    >> "$BENCH_OUT/raw.jsonl"
}

main() {
  local t_start driver rep
  t_start=$(now)
  mkdir -p "$BENCH_OUT"
  rm -rf "$BENCH_OUT"/work-* "$BENCH_OUT/raw.jsonl" "$BENCH_OUT"/*.log
  mkdir -p "$BENCH_WORK"
  fs_start
  build || { say "the build failed; nothing measured"; return 1; }
  bench_image_build || { say "could not build the workload image"; return 1; }
  record_context
  s3_start || return 1
  if want w10; then huge_prepare || warn "W10 is not measured in this run"; fi

  local drivers=()
  for driver in $BENCH_DRIVERS; do
    BENCH_UNAVAILABLE=
    STARTED_DRIVERS+=("$driver")
    if "${driver}_prepare"; then
      drivers+=("$driver")
    else
      record_unavailable "$driver" "${BENCH_UNAVAILABLE:-could not be started}"
    fi
  done

  # Repetitions outermost, so that a disturbance of the shared machine spreads over every driver.
  for rep in $(seq 1 "$BENCH_REPS"); do
    for driver in "${drivers[@]}"; do
      run_session "$driver" "$rep"
    done
  done

  say "run took $(elapsed "$t_start" "$(now)") s; writing the report"
  "$JAVA_HOME/bin/java" -cp "$BENCH_CLASSPATH" io.cloudsync.bench.BenchReport \
    "$BENCH_OUT/raw.jsonl" "$BENCH_OUT" "$BENCH_DOC"
}

main
