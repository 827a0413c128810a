#!/bin/bash
# make deb-test: installs the package into a clean Debian 12 root with apt, runs both windows from
# their desktop entries under Xvfb and reads a loaded file through AT-SPI (installed_gui_test.py),
# removes the package and checks that none of its files is left (in_root.sh does that part).
#
#   Tests/deb/deb_test.sh out/deb/sharedmemory-gtk_VERSION_ARCH.deb      (as root)
#
# The root is made once by mmdebstrap from this machine's own apt sources (the Debian mirror it
# uses; nothing else is reached) with the test tools only (python3-gi, AT-SPI, Xvfb, D-Bus: not
# the package's dependencies, which apt installs from the package), and kept in $DEB_TEST_CACHE
# (default /var/cache/sharedmemory-gtk/deb-test), made again after a week or when the sources or
# tools change. Each run works on a throw-away overlay of it, in its own mount, IPC and PID
# namespaces; the downloaded .debs and package lists are kept beside it, so a warm run is fast.
set -euo pipefail
cd "$(dirname "$0")/../.."

[[ $# -eq 1 && -f $1 ]] || { echo "usage: $0 PACKAGE.deb" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "deb_test: needs root (chroot, mounts); make deb-test uses sudo" >&2; exit 1; }
for tool in mmdebstrap unshare flock; do
  command -v "$tool" >/dev/null || { echo "deb_test: $tool is missing (make deb-test installs it)" >&2; exit 1; }
done

deb=$(realpath "$1")
cache=${DEB_TEST_CACHE:-/var/cache/sharedmemory-gtk/deb-test}
suite=bookworm
tools=python3-gi,gir1.2-atspi-2.0,at-spi2-core,xvfb,xauth,dbus
sources=${DEB_TEST_SOURCES:-}
if [[ -z $sources ]]; then
  for file in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    [[ -s $file ]] && { sources=$file; break; }
  done
fi
[[ -n $sources ]] || { echo "deb_test: no apt sources found; set DEB_TEST_SOURCES to a .sources or .list file" >&2; exit 1; }

start=$SECONDS
mkdir -p "$cache/archives/partial" "$cache/lists/partial"
exec 9>"$cache/lock"
flock 9   # one run at a time per cache

id=$( { echo "$suite $tools"; cat "$sources"; } | sha256sum | cut -c1-12)
base=$cache/$suite-$id
if [[ -e $base.done && -n $(find "$base.done" -mtime +7) ]]; then
  echo "deb-test: the clean root is over a week old, making it again"
  rm -f "$base.done"
fi
if [[ ! -e $base.done ]]; then
  echo "deb-test: making the clean $suite root with mmdebstrap (sources: $sources)"
  rm -rf "$base" "$base.new"
  mmdebstrap --quiet --variant=apt --include="$tools" "$suite" "$base.new" "$sources"
  mv "$base.new" "$base"
  touch "$base.done"
  find "$cache" -maxdepth 1 -name "$suite-*" ! -name "$suite-$id" ! -name "$suite-$id.done" -exec rm -rf {} +
  echo "deb-test: root made in $((SECONDS - start)) s"
fi

run=$(mktemp -d "$cache/run.XXXXXX")
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/upper" "$run/work" "$run/root"

export base run deb cache checkout=$PWD
unshare --mount --ipc --pid --fork --kill-child -- bash -euo pipefail -c '
  mount --make-rprivate /
  r=$run/root
  mount -t overlay overlay -o "lowerdir=$base,upperdir=$run/upper,workdir=$run/work" "$r"
  mount -t proc proc "$r/proc"
  mount --rbind /dev "$r/dev"
  mount --make-rslave "$r/dev"
  mount -t tmpfs tmpfs "$r/dev/shm"
  mount -t tmpfs tmpfs "$r/tmp"
  mount -t tmpfs tmpfs "$r/run"
  mount --bind "$cache/archives" "$r/var/cache/apt/archives"
  mount --bind "$cache/lists" "$r/var/lib/apt/lists"
  mkdir -p "$r/srv/checkout/Tests" "$r/srv/deb"
  mount --bind -o ro "$checkout/Tests" "$r/srv/checkout/Tests"
  mount --bind -o ro "$(dirname "$deb")" "$r/srv/deb"
  cp /etc/resolv.conf "$r/etc/resolv.conf"
  exec chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    /srv/checkout/Tests/deb/in_root.sh "/srv/deb/$(basename "$deb")"
'
echo "deb-test: passed in $((SECONDS - start)) s"
