# Helpers shared by the benchmark scripts (sourced, not run): logging, clocks, result records, polling.
#
# Results are appended to $BENCH_OUT/raw.jsonl, one JSON object a line, and summarised by the Java report
# (io.cloudsync.bench.BenchReport). A record is either a figure ("value"), a figure that could not be taken
# ("value": null and a "note" such as "timeout after 30 s"), or a driver that could not run ("unavailable").

say() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
warn() { say "WARNING: $*"; }

# Wall-clock seconds with nanoseconds. Containers print the same clock (GNU date in the bench image), so a
# time taken inside a container and one taken on the host can be subtracted.
now() { date +%s.%N; }

# elapsed T0 T1 -> seconds, 3 decimals
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

json_escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | tr '\n\t' '  '; }

# record DRIVER REP METRIC VALUE [NOTE]: one figure; VALUE "null" with a NOTE when it could not be taken.
record() {
  local driver=$1 rep=$2 metric=$3 value=$4 note=${5:-}
  [ -n "$value" ] || value=null
  printf '{"driver":"%s","rep":%s,"metric":"%s","value":%s,"note":"%s"}\n' \
    "$driver" "$rep" "$metric" "$value" "$(json_escape "$note")" >> "$BENCH_OUT/raw.jsonl"
  say "$driver rep $rep: $metric = $value${note:+ ($note)}"
}

# record_unavailable DRIVER REASON: the driver is left out of this run; the table says why.
record_unavailable() {
  printf '{"driver":"%s","unavailable":"%s"}\n' "$1" "$(json_escape "$2")" >> "$BENCH_OUT/raw.jsonl"
  warn "driver $1 not run: $2"
}

# wait_until TIMEOUT_S COMMAND...: polls COMMAND every $BENCH_POLL s; prints the time it first succeeded.
# Returns 1 (printing nothing) when it did not succeed within TIMEOUT_S.
wait_until() {
  local timeout=$1
  shift
  local deadline
  deadline=$(awk -v t="$(now)" -v d="$timeout" 'BEGIN { printf "%.3f", t + d }')
  while :; do
    if "$@"; then
      now
      return 0
    fi
    if awk -v t="$(now)" -v d="$deadline" 'BEGIN { exit !(t > d) }'; then
      return 1
    fi
    sleep "$BENCH_POLL"
  done
}

# since T0 TIMEOUT COMMAND...: seconds from T0 until COMMAND holds; records nothing, prints "" on timeout.
since() {
  local t0=$1 timeout=$2 t1
  shift 2
  if t1=$(wait_until "$timeout" "$@"); then
    elapsed "$t0" "$t1"
  fi
}

# Peak resident set size (VmHWM) of a process, in MiB; empty when the process is gone.
peak_rss_mib() {
  awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || true
}

max_of() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { print (a + 0 > b + 0) ? a : b }'; }

# Empties the host's page cache, so that the next read comes from the disk or the network.
drop_caches() {
  sync
  echo 3 > /proc/sys/vm/drop_caches || warn "could not drop the page cache (not root?)"
}

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

# managed_plugin_enable_timed DRIVER PLUGIN SOCKET REP: enables managed plugin PLUGIN and records, for DRIVER,
# how long it took to listen on SOCKET and to serve (start_figures).
managed_plugin_enable_timed() {
  local driver=$1 plugin=$2 sock=$3 rep=$4 t0 enabler
  t0=$(now)
  docker plugin enable "$plugin" > "$BENCH_OUT/$driver-enable.log" 2>&1 &
  enabler=$!
  start_figures "$driver" "$rep" "$t0" "$sock"
  if ! wait "$enabler"; then
    say "docker plugin enable $plugin failed: $(cat "$BENCH_OUT/$driver-enable.log")"
    return 1
  fi
}

# The main process of the managed plugin with id ID: the child of the containerd shim that runs it.
managed_plugin_pid() {
  local shim
  shim=$(pgrep -f -- "-id $1( |$)" | head -n 1)
  [ -n "$shim" ] && pgrep -P "$shim" | head -n 1
}

# Disables and removes managed plugin NAME, if it is installed.
managed_plugin_remove() {
  docker plugin inspect "$1" >/dev/null 2>&1 || return 0
  docker plugin disable -f "$1" >/dev/null 2>&1 || true
  docker plugin rm -f "$1" >/dev/null 2>&1 || warn "could not remove plugin $1"
}

# Aborts the FUSE connection of volume VOLUME's mount (a FUSE mount whose path ends in /VOLUME; volume names of a
# run are unique), through fusectl, mounted for the moment if it is not: every request waiting on it fails at
# once. The way out of a FUSE server that stopped answering.
abort_fuse_connection() {
  local volume=$1 minor ctl=/sys/fs/fuse/connections mounted_here=0
  minor=$(awk -v v="/$volume" '$9 ~ /^fuse/ && substr($5, length($5) - length(v) + 1) == v {
    split($3, d, ":"); print d[2]; exit }' /proc/self/mountinfo)
  [ -n "$minor" ] || { warn "no FUSE mount of volume $volume"; return 1; }
  if ! grep -q " $ctl fusectl " /proc/self/mounts; then
    mount -t fusectl fusectl "$ctl" || { warn "could not mount fusectl on $ctl"; return 1; }
    mounted_here=1
  fi
  if echo 1 > "$ctl/$minor/abort"; then
    say "aborted the FUSE connection of volume $volume"
  else
    warn "could not abort FUSE connection $minor of volume $volume"
  fi
  [ "$mounted_here" = 1 ] && umount "$ctl"
  return 0
}
