#!/usr/bin/env bash
# Fetch QEMU_VERSION (scripts/versions.mk) of qemu-system-x86 and
# qemu-system-arm from QEMU_SUITE (bookworm-backports: built for this
# Debian, its binaries run with this Debian's libraries) into build/qemu
# with apt-get download and dpkg -x, and print the directory.  apt runs with
# a private source list (build/apt-qemu, scripts/lib.sh: papt); nothing is
# installed, the machine's QEMU stays.  scripts/vm-test.sh runs it when
# QEMU=backports.  When QEMU_VERSION is gone, the newest there is taken,
# with a warning.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$BUILD/qemu
PAPT_DIR=$BUILD/apt-qemu
if [ -x "$dir/usr/bin/qemu-system-x86_64" ] && [ "$(cat "$dir/.version" 2>/dev/null)" = "$QEMU_VERSION" ]; then
	echo "$dir"
	exit 0
fi
papt_update bookworm "$QEMU_SUITE" >&2
version=$QEMU_VERSION
if ! papt_has qemu-system-x86 "$version"; then
	version=$(papt policy_candidate qemu-system-x86)
	echo "qemu: WARNING: qemu-system-x86=$QEMU_VERSION (scripts/versions.mk) is gone; using $version" >&2
fi
[ -x "$dir/usr/bin/qemu-system-x86_64" ] && [ "$(cat "$dir/.version" 2>/dev/null)" = "$version" ] &&
	{ echo "$dir"; exit 0; }
dl=$PAPT_DIR/dl
rm -rf "$dl" "$dir"
mkdir -p "$dl"
# qemu-system-data: the option ROMs of that version (SeaBIOS stays the
# machine's, /usr/share/qemu, given to QEMU second with -L)
(cd "$dl" && papt_get download "qemu-system-x86=$version" "qemu-system-arm=$version" \
	"qemu-system-data=$version" "qemu-system-common=$version") >&2 ||
	die "apt-get download of QEMU $version from $QEMU_SUITE failed"
for deb in "$dl"/*.deb; do dpkg-deb -x "$deb" "$dir"; done
rm -rf "$dl"
"$dir/usr/bin/qemu-system-x86_64" --version >/dev/null ||
	die "$dir/usr/bin/qemu-system-x86_64 does not run here (libraries?)"
echo "$version" > "$dir/.version"
echo "qemu: $("$dir/usr/bin/qemu-system-x86_64" --version | head -n 1), in $dir" >&2
echo "$dir"
