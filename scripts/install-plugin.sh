#!/usr/bin/env bash
# Creates and enables the managed plugin NAME from the plugin directory DIR (config.json + rootfs/).
# Usage: scripts/install-plugin.sh NAME DIR [STATE_SOURCE] [KEY=VALUE...]
#   STATE_SOURCE  host directory of the state bind mount (volumes, journals, caches); empty or absent: the one
#                 of the plugin being replaced, else /var/lib/cloudsync. Created if missing.
#   KEY=VALUE     settings (docker plugin set), applied before enabling.
#
# A plugin of the same name is replaced, unless a running container uses one of its volumes: then nothing is
# touched and the containers are named. What the replaced plugin was set to (endpoint, keys, ...) carries over
# unless KEY=VALUE says otherwise, and so do its volumes: Docker keeps them by driver name, and their state is in
# STATE_SOURCE, which the new plugin reads at start.
set -euo pipefail
usage="usage: install-plugin.sh NAME DIR [STATE_SOURCE] [KEY=VALUE...]"
name=${1:?$usage}
dir=${2:?$usage}
state=${3:-}
shift $(($# < 3 ? $# : 3))
DEFAULT_STATE=/var/lib/cloudsync

say() { echo "install-plugin: $*" >&2; }
die() { say "$*"; exit 1; }

[ -f "$dir/config.json" ] && [ -d "$dir/rootfs" ] || die "$dir has no config.json and rootfs/ (make rootfs)"
# Docker names a managed plugin's volumes' driver with its tag.
[[ $name == *:* ]] && driver=$name || driver=$name:latest

carried=()
if docker plugin inspect "$name" >/dev/null 2>&1; then
  users=()
  while read -r vol_driver vol; do
    [ "$vol_driver" = "$driver" ] || [ "$vol_driver" = "$name" ] || continue
    while read -r container; do
      [ -n "$container" ] && users+=("$container (volume $vol)")
    done < <(docker ps --filter "volume=$vol" --format '{{.Names}}')
  done < <(docker volume ls --format '{{.Driver}} {{.Name}}')
  [ ${#users[@]} = 0 ] || die "plugin $name is in use by running containers, stop them first: ${users[*]}"

  while IFS= read -r setting; do
    [ -n "$setting" ] && carried+=("$setting")
  done < <(docker plugin inspect -f '{{range .Settings.Env}}{{println .}}{{end}}' "$name")
  old_state=$(docker plugin inspect -f '{{range .Settings.Mounts}}{{if eq .Name "state"}}{{.Source}}{{end}}{{end}}' "$name")
  [ -n "$state" ] || state=$old_state
  say "replacing plugin $name (its settings carry over)"
  # -f: Docker counts every volume of a plugin as a use, mounted or not; none is mounted (checked above).
  docker plugin disable -f "$name" >/dev/null 2>&1 || true
  docker plugin rm -f "$name" >/dev/null
fi
state=$(realpath -m "${state:-$DEFAULT_STATE}")   # Docker needs an absolute source
mkdir -p "$state"

# Docker refuses to create a plugin whose rootfs is byte-identical to an installed one's ("content ... already
# exists"), and the build is deterministic: create from a hard-linked copy that names the plugin.
staged=$(mktemp -d "$(realpath "$dir").$$.XXXXXX")
trap 'rm -rf "$staged"' EXIT
cp -al "$dir/." "$staged/"
printf '%s\n' "$name" > "$staged/rootfs/etc/cloudsync-plugin-name"
touch -r "$dir/rootfs/etc/cloudsync-build" "$staged/rootfs/etc/cloudsync-plugin-name" "$staged/rootfs/etc"
docker plugin create "$name" "$staged" >/dev/null
# Only what the new plugin lets be set carries over (a setting may have been dropped or made fixed).
settable=" $(docker plugin inspect -f '{{range .Config.Env}}{{if .Settable}}{{.Name}} {{end}}{{end}}' "$name")"
settings=("state.source=$state")
for setting in "${carried[@]}"; do
  [[ $settable == *" ${setting%%=*} "* ]] && settings+=("$setting")
done
docker plugin set "$name" "${settings[@]}" "$@"
docker plugin enable "$name" >/dev/null
say "plugin $name enabled (state in $state)"
