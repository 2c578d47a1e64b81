#!/usr/bin/env bash
# Install, through apt-get, exactly what the workflow needs.  Idempotent:
# does nothing when everything is already there.
#   ARCH=arm64  also what the arm64 workspace needs: the cross compiler,
#               qemu-system-arm, and the guest's static busybox of Debian's
#               arm64 busybox-static (dpkg --add-architecture arm64, then
#               apt-get download and dpkg-deb -x into build/busybox-arm64,
#               not installed: it would replace the amd64 busybox-static of
#               the x86 initramfs).
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
)
[ "$arch" != arm64 ] ||
	pkgs+=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm)
bb_dir=$BUILD/busybox-arm64
need_bb=0
[ "$arch" != arm64 ] || [ -x "$bb_dir/bin/busybox" ] || need_bb=1

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
[ ${#missing[@]} -eq 0 ] && [ "$need_bb" = 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
added_arm64=0
if [ "$need_bb" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "deps: dpkg --add-architecture arm64 (for busybox-static:arm64)"
	$SUDO dpkg --add-architecture arm64
	added_arm64=1
fi
# Without the arm64 index, take the architecture away again (nothing of it
# is installed), so that it does not break the x86 workflow's apt-get update.
no_arm64() {
	[ "$added_arm64" = 0 ] || $SUDO dpkg --remove-architecture arm64 || true
	die "$*; the arm64 workspace needs busybox-static:arm64 from the Debian archive (or put a static aarch64 busybox at $bb_dir/bin/busybox)"
}
[ ${#missing[@]} -eq 0 ] || echo "deps: installing ${missing[*]}"
if ! $SUDO apt-get update -qq; then
	[ "$need_bb" = 0 ] || no_arm64 "apt-get update failed (the arm64 index unreachable?)"
	die "apt-get update failed"
fi
[ ${#missing[@]} -eq 0 ] ||
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

if [ "$need_bb" = 1 ]; then
	dl=$BUILD/busybox-arm64.dl
	rm -rf "$dl" "$bb_dir" "$bb_dir.tmp"
	mkdir -p "$dl"
	# apt-get download writes into the current directory; as root it warns
	# that the download is unsandboxed, which is what we want here
	(cd "$dl" && apt-get download -qq -o APT::Sandbox::User=root busybox-static:arm64) ||
		no_arm64 "apt-get download busybox-static:arm64 failed"
	deb=$(find "$dl" -name 'busybox-static_*_arm64.deb' | head -n 1)
	[ -n "$deb" ] || no_arm64 "apt-get download left no busybox-static_*_arm64.deb in $dl"
	dpkg-deb -x "$deb" "$bb_dir.tmp"
	mv "$bb_dir.tmp" "$bb_dir"
	rm -rf "$dl"
	[ -x "$bb_dir/bin/busybox" ] || die "$deb has no bin/busybox"
	echo "deps: $bb_dir/bin/busybox ($(basename "$deb"))"
fi
