#!/usr/bin/env bash
# Creates and enables the managed plugin NAME from the plugin directory DIR, with its state in STATE_SOURCE.
# Further KEY=VALUE arguments are plugin settings (docker plugin set) applied before enabling.
set -euo pipefail
name=${1:?usage: install-plugin.sh NAME DIR STATE_SOURCE [KEY=VALUE...]}
dir=${2:?}
state=${3:?}
shift 3

if docker plugin inspect "$name" >/dev/null 2>&1; then
  # Docker refuses to disable a plugin whose volumes containers use: then stop here, nothing is lost.
  if ! docker plugin disable "$name" >/dev/null 2>&1 && docker plugin inspect -f '{{.Enabled}}' "$name" | grep -q true; then
    echo "plugin $name is in use by running containers; stop them first" >&2
    exit 1
  fi
  # Volumes Docker knows for this plugin name keep working: their state is in $state, which the new plugin reads.
  echo "replacing plugin $name"
  docker plugin rm -f "$name" >/dev/null
fi
mkdir -p "$state"
docker plugin create "$name" "$dir" >/dev/null
docker plugin set "$name" state.source="$state" "$@"
docker plugin enable "$name"
echo "plugin $name enabled (state in $state)"
