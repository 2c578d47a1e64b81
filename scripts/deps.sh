#!/usr/bin/env bash
# Install, through apt-get, exactly what the workflow needs.  Idempotent:
# does nothing when everything is already there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils
	rsync kmod python3 perl git
	qemu-system-x86 busybox-static
	quilt b4 git-email python3-ply python3-git codespell
	gnuplot-nox
	"$BASE_PKG=$BASE_VERSION"
)

missing=()
for p in "${pkgs[@]}"; do
	name=${p%%=*}
	want=${p#*=}
	[ "$want" = "$p" ] && want=
	have=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)
	case "$have" in
	"install ok installed $want"|"install ok installed "*)
		if [ -z "$want" ] || [ "$have" = "install ok installed $want" ]; then
			continue
		fi
		;;
	esac
	missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps: installing ${missing[*]}"
$SUDO apt-get update -qq
# Not "madison | grep -q": grep exits at the first match, and under pipefail
# the SIGPIPE of madison would fail the test.
versions=$(apt-cache madison "$BASE_PKG")
if ! grep -qF "| $BASE_VERSION |" <<<"$versions"; then
	echo "deps: pinned base $BASE_PKG=$BASE_VERSION (scripts/versions.mk) cannot be installed." >&2
	echo "deps: versions available:" >&2
	apt-cache madison "$BASE_PKG" | awk -F'|' '{print "   " $2}' >&2
	echo "deps: update BASE_VERSION in scripts/versions.mk and re-check the series." >&2
	exit 1
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
