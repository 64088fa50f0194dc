# Docker's `local` volume driver (sourced): the physical limit every other driver is compared with.
# It has no bucket (durability figures are n/a) and no process to restart: "cold" only empties the page cache.

local_prepare() { return 0; }
local_teardown() { return 0; }
local_pid() { :; }
local_volume_create() { docker volume create -d local --label "$BENCH_LABEL" "$1" >/dev/null; }
local_volume_remove() { docker volume rm -f "$1" >/dev/null; }
local_restart_empty() { return 0; }
