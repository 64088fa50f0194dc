# The one S3 server of a benchmark run (sourced): S3Proxy on 127.0.0.1 started from the test classpath, and
# what the bucket holds, read from its data directory.
#
# S3Proxy's filesystem-nio2 backend keeps object BUCKET/KEY as the file $S3_DATA/BUCKET/KEY and moves it into
# place only when complete (uploads in progress live under other names: "KEY-<uuid>" temporaries and
# ".mpus-*" multipart folders). So "in the bucket" is checked by looking for the final file names, cheaply and
# without sending S3 requests that would compete with the uploads being measured.

S3_BUCKET=bench
S3_ACCESS_KEY=bench-access

s3_start() {
  S3_DATA=$BENCH_WORK/s3
  S3_SECRET_KEY=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  mkdir -p "$S3_DATA/$S3_BUCKET"
  rm -f "$BENCH_WORK/s3.endpoint"
  S3PROXY_SECRET_KEY=$S3_SECRET_KEY setsid "$JAVA_HOME/bin/java" -Xmx1g -cp "$BENCH_CLASSPATH" \
    io.cloudsync.testsupport.S3ProxyMain --data "$S3_DATA" --port 0 --access-key "$S3_ACCESS_KEY" \
    --ready-file "$BENCH_WORK/s3.endpoint" > "$BENCH_OUT/s3proxy.log" 2>&1 < /dev/null &
  S3_PID=$!
  local _
  for _ in $(seq 1 120); do
    [ -s "$BENCH_WORK/s3.endpoint" ] && break
    kill -0 "$S3_PID" 2>/dev/null || break
    sleep 0.5
  done
  if [ ! -s "$BENCH_WORK/s3.endpoint" ]; then
    say "S3Proxy did not start; see $BENCH_OUT/s3proxy.log"
    return 1
  fi
  S3_ENDPOINT=$(cat "$BENCH_WORK/s3.endpoint")
  S3_PORT=${S3_ENDPOINT##*:}
  say "S3Proxy (pid $S3_PID) at $S3_ENDPOINT, data in $S3_DATA"
}

s3_stop() {
  [ -n "${S3_PID:-}" ] || return 0
  if kill -0 "$S3_PID" 2>/dev/null; then
    kill "$S3_PID"
    local _
    for _ in $(seq 1 40); do kill -0 "$S3_PID" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$S3_PID" 2>/dev/null && kill -9 "$S3_PID"
  fi
  S3_PID=
}

# The directory holding the objects under KEY_PREFIX of the benchmark bucket.
s3_dir() { printf '%s/%s/%s' "$S3_DATA" "$S3_BUCKET" "$1"; }

# s3_has_object KEY SIZE: the object exists with SIZE bytes.
s3_has_object() {
  [ "$(stat -c %s "$(s3_dir "$1")" 2>/dev/null)" = "$2" ]
}

# s3_count KEY_PREFIX: objects under KEY_PREFIX whose names the workloads make ("f" and digits).
s3_count() {
  local dir
  dir=$(s3_dir "$1")
  [ -d "$dir" ] || { echo 0; return; }
  find "$dir" -type f -regextype posix-extended -regex '.*/f[0-9]+' 2>/dev/null | wc -l
}

# s3_objects KEY_PREFIX: every object under KEY_PREFIX, whatever its name (for messages).
s3_objects() {
  find "$(s3_dir "$1")" -type f 2>/dev/null | wc -l
}

# s3_count_is KEY_PREFIX N
s3_count_is() { [ "$(s3_count "$1")" -eq "$2" ]; }

# s3_moved OLD_PREFIX NEW_PREFIX N: N objects under the new name and none left under the old one.
s3_moved() { s3_count_is "$2" "$3" && s3_count_is "$1" 0; }

# s3_empty KEY_PREFIX: no object at all under KEY_PREFIX (a directory marker is an object too).
s3_empty() {
  local dir
  dir=$(s3_dir "$1")
  [ ! -d "$dir" ] && return 0
  [ -z "$(find "$dir" -mindepth 1 \( -type f -o -type d -empty \) -print -quit 2>/dev/null)" ]
}
