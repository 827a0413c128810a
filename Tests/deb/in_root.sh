#!/bin/bash
# The part of make deb-test that runs inside the clean Debian root (see deb_test.sh):
# apt-get install ./PACKAGE.deb, check the files and that no Swift toolchain is needed, run both
# windows from their desktop entries (installed_gui_test.py), apt-get remove, check nothing is left.
#
#   in_root.sh /srv/deb/sharedmemory-gtk_VERSION_ARCH.deb
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
deb=$1
here=$(dirname "$0")
step() { echo "--- deb-test: $* (at ${SECONDS} s)"; }
fail() { echo "deb-test: FAILED: $*"; exit 1; }

step "apt-get update"
apt-get update -qq
step "apt-get install $deb"
apt-get install -y -q --no-install-recommends "$deb" | grep -E '^(Get|Setting up|[0-9]+ upgraded)' | tail -n 3

mapfile -t listed < <(dpkg-query -L sharedmemory-gtk | grep -vx '/\.')   # "/." is the root folder
files=()
for path in "${listed[@]}"; do [[ -d $path && ! -L $path ]] || files+=("$path"); done
echo "the package installed ${#files[@]} files:"
printf '  %s\n' "${files[@]}"

# What `make install` puts in place, in the package too.
expected=(/usr/bin/sharedmemory /usr/bin/sharedmemory_loader /usr/bin/sharedmemory-ctl
  /usr/share/applications/org.sharedmemorygtk.Viewer.desktop
  /usr/share/applications/org.sharedmemorygtk.Loader.desktop
  /usr/share/metainfo/org.sharedmemorygtk.Viewer.metainfo.xml
  /usr/share/locale/de/LC_MESSAGES/sharedmemory-gtk.mo
  /usr/share/man/man1/sharedmemory.1.gz /usr/share/man/man1/sharedmemory_loader.1.gz
  /usr/share/man/man1/sharedmemory-ctl.1.gz /usr/share/doc/sharedmemory-gtk/copyright)
for app in org.sharedmemorygtk.Viewer org.sharedmemorygtk.Loader; do
  expected+=("/usr/share/icons/hicolor/scalable/apps/$app.svg"
             "/usr/share/icons/hicolor/48x48/apps/$app.png" "/usr/share/icons/hicolor/128x128/apps/$app.png")
done
for path in "${expected[@]}"; do [[ -f $path ]] || fail "$path is not installed"; done
samples=$(find /usr/share/sharedmemory-gtk/files -type f | wc -l)
(( samples >= 5 )) || fail "only $samples sample files in /usr/share/sharedmemory-gtk/files"

step "the programs need no Swift toolchain"
compgen -G '/usr/lib/swift*' >/dev/null && fail "a Swift runtime is installed in the clean root"
for program in sharedmemory sharedmemory_loader sharedmemory-ctl; do
  libs=$(ldd "/usr/bin/$program")
  if grep -E 'not found|libswift|libFoundation|libdispatch|libBlocksRuntime' <<<"$libs"; then
    fail "/usr/bin/$program needs libraries the package does not bring"
  fi
done
version=$(sharedmemory-ctl --version)
echo "sharedmemory-ctl --version: $version"
[[ $version == "sharedmemory-ctl $(dpkg-query -W -f='${Version}' sharedmemory-gtk)" ]] || fail "version mismatch"

step "both windows from their desktop entries, under Xvfb (no network: its own namespace)"
# Its own network namespace: Xvfb's abstract socket cannot meet another display of the machine.
unshare --net -- xvfb-run -n 99 -s "-screen 0 1280x800x24 -nolisten tcp" \
  dbus-run-session -- /usr/bin/python3 "$here/installed_gui_test.py"

step "apt-get remove sharedmemory-gtk"
apt-get remove -y -q sharedmemory-gtk | grep -E '^(Removing|[0-9]+ upgraded)'
status=$(dpkg-query -W -f='${db:Status-Abbrev}' sharedmemory-gtk 2>/dev/null || true)
[[ -z $status || $status == un* ]] || fail "dpkg still knows the package: '$status'"
left=()
for path in "${listed[@]}"; do
  if [[ -d $path && ! -L $path ]]; then
    # A folder may stay only when another package owns it too.
    dpkg-query -S "$path" >/dev/null 2>&1 || left+=("$path/")
  elif [[ -e $path || -L $path ]]; then
    left+=("$path")
  fi
done
(( ${#left[@]} == 0 )) || fail "left behind after removal: ${left[*]}"
echo "removed: none of the package's ${#listed[@]} paths is left (folders other packages own excepted)"
step "done"
