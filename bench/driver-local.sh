# Docker's `local` volume driver (sourced): the physical limit every other driver is compared with.
# It has no bucket (durability figures are n/a) and no process to restart: "cold" only empties the page cache.

local_prepare() { return 0; }
local_teardown() { return 0; }
local_pid() { :; }
# Each volume a directory beside the other drivers' data (see bench/fs.sh), bind-mounted by the local driver.
local_volume_create() {
  mkdir -p "$BENCH_WORK/local/$1" \
    && docker volume create -d local --label "$BENCH_LABEL" -o type=none -o o=bind -o device="$BENCH_WORK/local/$1" \
      "$1" >/dev/null
}
local_volume_remove() { docker volume rm -f "$1" >/dev/null && rm -rf "${BENCH_WORK:?}/local/$1"; }
local_restart_empty() { return 0; }
