#!/usr/bin/env bash
# Pushes the plugin directory DIR to a registry as REGISTRY/NAME:latest, for "docker plugin install" elsewhere.
# Usage: scripts/push-plugin.sh REGISTRY NAME DIR      (REGISTRY is host:port; 127.0.0.0/8 needs no TLS)
#
# Docker refuses to create a plugin whose rootfs is byte-identical to an installed one's ("content ... already
# exists"), and the build is deterministic: so the push is made from a hard-linked copy of DIR with a marker file
# naming the reference. The local plugin REGISTRY/NAME:latest is removed after the push, leaving the name free for
# "docker plugin install" on this host too.
set -euo pipefail
registry=${1:?usage: push-plugin.sh REGISTRY NAME DIR}
name=${2:?usage: push-plugin.sh REGISTRY NAME DIR}
dir=$(realpath "${3:?usage: push-plugin.sh REGISTRY NAME DIR}")
ref="$registry/$name:latest"

[ -f "$dir/config.json" ] && [ -d "$dir/rootfs" ] || { echo "push-plugin: $dir has no config.json and rootfs/ (make rootfs)" >&2; exit 1; }
staged=$(mktemp -d "$dir.$$.XXXXXX")
trap 'rm -rf "$staged"' EXIT
cp -al "$dir/." "$staged/"
printf '%s\n' "$ref" > "$staged/rootfs/etc/cloudsync-plugin-name"
touch -r "$dir/rootfs/etc/cloudsync-build" "$staged/rootfs/etc/cloudsync-plugin-name" "$staged/rootfs/etc"

docker plugin rm -f "$ref" >/dev/null 2>&1 || true
docker plugin create "$ref" "$staged" >/dev/null
docker plugin push "$ref"
docker plugin rm "$ref" >/dev/null
echo "push-plugin: pushed $ref; install it with: docker plugin install --grant-all-permissions $ref"
