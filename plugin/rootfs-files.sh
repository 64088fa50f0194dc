# Copies host files into a plugin rootfs with the libraries they need (sourced, not run). Used by
# plugin/build-rootfs.sh for cloudsync's rootfs and by bench/rclone-plugin.sh for the peer plugin's.
#
# The caller sets:  rootfs           the tree being assembled
#                   own_libraries    optional: a directory whose libraries are found through $ORIGIN inside the
#                                    rootfs (a jlinked runtime), so ldd's "not found" for them is expected
#                   die              a function that reports and exits

# Copies host file PATH into the rootfs at its real location, and makes PATH itself lead there (a symlink) when
# the names differ, e.g. libfuse3.so.3 -> libfuse3.so.3.14.0 or /lib64/ld-linux-x86-64.so.2.
copy_host_file() {
  local path=$1 real
  real=$(readlink -f "$path")
  if [ ! -e "$rootfs$real" ]; then
    mkdir -p "$rootfs$(dirname "$real")"
    cp "$real" "$rootfs$real"
  fi
  if [ ! -e "$rootfs$path" ]; then
    mkdir -p "$rootfs$(dirname "$path")"
    ln -sr "$rootfs$real" "$rootfs$path"
  fi
}

# The libraries FILE needs, as ldd resolves them on the host; a library ldd cannot find stops the build, unless
# it is one of own_libraries' (and those are not copied: they are in the rootfs already).
copy_needed_libraries() {
  local file=$1 line dep own=${own_libraries:-}
  while read -r line; do
    case $line in
      *"not found"*)
        [ -n "$own" ] && [[ $file == "$own"/* ]] && [ -n "$(find "$own/lib" -name "${line%% *}" -print -quit)" ] \
          && continue
        die "ldd $file: $line" ;;
      *"=> /"*) dep=${line#*=> }; dep=${dep%% (*} ;;
      /*) dep=${line%% (*} ;;
      *) continue ;;
    esac
    [ -n "$own" ] && [[ $dep == "$own"/* ]] && continue
    copy_host_file "$dep"
  done < <(ldd "$file" 2>&1 || true)
}

# The merged /usr layout of the host, so that every path ldd reports (/lib/..., /lib64/..., /usr/lib/...) exists.
make_merged_usr() {
  mkdir -p "$rootfs"/{usr/bin,usr/lib,usr/lib64}
  ln -s usr/bin "$rootfs/bin"
  ln -s usr/lib "$rootfs/lib"
  ln -s usr/lib64 "$rootfs/lib64"
}

# passwd, group and nsswitch.conf of a root-only tree, and the targets Docker bind-mounts the host's hosts and
# resolv.conf over for a host-network plugin. glibc (2.34+) has the "files" and "dns" services built in: no
# libnss_* to ship.
write_root_etc() {
  mkdir -p "$rootfs/etc"
  printf 'root:x:0:0:root:/root:/bin/false\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\n' > "$rootfs/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
  printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' > "$rootfs/etc/hosts"
  : > "$rootfs/etc/resolv.conf"
}
