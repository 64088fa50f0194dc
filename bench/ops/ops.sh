#!/bin/sh
# Runs inside the benchmark containers (busybox sh; mounted read-only at /bench). Each operation prints
# "START END [RESULT]": wall-clock seconds from GNU date, the same clock as the host's, so that the host can
# time the operation alone (no container start-up) and measure how long the bucket takes after END.
set -eu

# By path: busybox sh runs its own applets (no nanoseconds) before anything on PATH.
now() { /bin/date +%s.%N; }

# Runs a command whose statistics on stderr are noise; shows them only when it fails.
quiet() {
  "$@" 2> /tmp/quiet.err || { cat /tmp/quiet.err >&2; return 1; }
}

# create_tree DIR NDIRS NFILES BYTES: NFILES files of BYTES bytes, spread over NDIRS directories d0, d1, ...
# Written with the shell's own printf: no process per file, so the file system's cost is what is measured.
create_tree() {
  dir=$1 ndirs=$2 nfiles=$3 bytes=$4
  content=$(head -c "$bytes" /dev/zero | tr '\0' x)
  per_dir=$((nfiles / ndirs))
  t0=$(now)
  mkdir -p "$dir"
  i=0 d=0
  while [ "$d" -lt "$ndirs" ]; do
    sub=$dir
    [ "$ndirs" -gt 1 ] && { sub=$dir/d$d; mkdir "$sub"; }
    n=0
    while [ "$n" -lt "$per_dir" ]; do
      printf '%s' "$content" > "$sub/f$i"
      i=$((i + 1)) n=$((n + 1))
    done
    d=$((d + 1))
  done
  echo "$t0 $(now) $i"
}

# create_flat DIR NFILES: NFILES empty files f0, f1, ... in one directory, by the shell's own redirection
# (no process per file).
create_flat() {
  dir=$1 nfiles=$2
  t0=$(now)
  mkdir -p "$dir"
  i=0
  while [ "$i" -lt "$nfiles" ]; do
    : > "$dir/f$i"
    i=$((i + 1))
  done
  echo "$t0 $(now) $i"
}

op=$1
shift
case "$op" in
  write_big) # FILE MIB: sequential write of zeros, then fsync
    t0=$(now)
    quiet dd if=/dev/zero of="$1" bs=1M count="$2" conv=fsync
    echo "$t0 $(now)" ;;
  read_big) # FILE: sequential read
    t0=$(now)
    quiet dd if="$1" of=/dev/null bs=1M
    echo "$t0 $(now) $(stat -c %s "$1")" ;;
  create_tree)
    create_tree "$@" ;;
  find_count) # DIR
    t0=$(now)
    n=$(find "$1" | wc -l)
    echo "$t0 $(now) $n" ;;
  create_flat)
    create_flat "$@" ;;
  ls_l) # DIR: one directory's long listing (a "total" line and one line an entry)
    t0=$(now)
    n=$(ls -l "$1" | wc -l)
    echo "$t0 $(now) $n" ;;
  ls_lr) # DIR
    t0=$(now)
    n=$(ls -lR "$1" | wc -l)
    echo "$t0 $(now) $n" ;;
  rename) # FROM TO
    t0=$(now)
    mv "$1" "$2"
    echo "$t0 $(now)" ;;
  delete_all) # DIR: everything in it
    t0=$(now)
    find "$1" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
    echo "$t0 $(now)" ;;
  sqlite_tx) # DB N: N transactions, each a commit with full fsync (rollback journal, synchronous=FULL)
    echo 'PRAGMA synchronous=FULL; CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);' | sqlite3 "$1"
    t0=$(now)
    { echo 'PRAGMA synchronous=FULL;'; seq 1 "$2" | sed 's/.*/INSERT INTO t VALUES(&, randomblob(100));/'; } \
      | sqlite3 -bail "$1"
    echo "$t0 $(now)" ;;
  sqlite_check) # DB: row count and integrity, in a new process
    t0=$(now)
    out=$(sqlite3 "$1" 'SELECT count(*) FROM t;' 'PRAGMA integrity_check;' | tr '\n' ' ')
    echo "$t0 $(now) $out" ;;
  *)
    echo "ops.sh: unknown operation $op" >&2
    exit 2 ;;
esac
