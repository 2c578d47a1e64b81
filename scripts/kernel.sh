#!/usr/bin/env bash
# Configure and build the patched kernel (bzImage) into build/kout: the
# gate kernel, config/kvm-guest.config plus config/debug.config (lockdep,
# KASAN, UBSAN, KFENCE, kmemleak...).
# Incremental: only what changed is rebuilt.
#   MODULES=1 O=dir  builds KVM as modules instead (used by check.sh).
#   JOBS=n           parallel jobs (default: nproc, see nr_jobs() in lib.sh)
#   PROFILE=bench    the benchmark kernel: no debug options, into
#                    build/kout-bench (unless O= says otherwise).
#   PROFILE=profile  the benchmark kernel plus the ftrace function profiler
#                    (config/profile.config), into build/kout-prof.
#   PROFILE=kcsan    config/kvm-guest.config plus config/kcsan.config (KCSAN
#                    instead of KASAN), into build/kout-kcsan (make kcsan).
#   ARCH=arm64       the arm64 kernel (arch/arm64/boot/Image), cross-built,
#                    config/kvm-guest-arm64.config instead of
#                    config/kvm-guest.config, into build/kout-arm64 (bench:
#                    build/kout-bench-arm64, profile: build/kout-prof-arm64).
#   PAGES=16k|64k    arm64: host pages of 16 KiB or 64 KiB instead of 4 KiB,
#                    into the profile's directory with -16k or -64k appended
#                    (the dirty quota's unit on such hosts: make test-pages).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

guest=$top/config/kvm-guest.config image=bzImage
if [ "$arch" = arm64 ]; then
	guest=$top/config/kvm-guest-arm64.config image=Image
	command -v "${CROSS_COMPILE}gcc" >/dev/null ||
		die "${CROSS_COMPILE}gcc missing (ARCH=arm64 scripts/deps.sh installs it)"
	[ "${MODULES:-0}" = 0 ] || die "MODULES=1: arm64 KVM cannot be a module"
fi
case "${PROFILE:-gate}" in
gate)	out=${O:-$KOUT}; frags=("$guest" "$top/config/debug.config") ;;
bench)	out=${O:-$BUILD/kout-bench$sfx}; frags=("$guest") ;;
profile) out=${O:-$BUILD/kout-prof$sfx}; frags=("$guest" "$top/config/profile.config") ;;
kcsan)	out=${O:-$BUILD/kout-kcsan$sfx}; frags=("$guest" "$top/config/kcsan.config") ;;
*)	die "PROFILE=$PROFILE: gate, bench, profile or kcsan" ;;
esac
pages=${PAGES:-4k}
case "$pages" in
4k) ;;
16k|64k) [ "$arch" = arm64 ] || die "PAGES=$pages: arm64 only"
	 [ -n "${O:-}" ] || out=$out-$pages ;;
*) die "PAGES=$pages: 4k, 16k or 64k" ;;
esac
mkdir -p "$out"
want=$(mktemp)
trap 'rm -f "$want"' EXIT
# a line in two fragments once (CONFIG_DEBUG_FS): Kconfig warns otherwise
cat "${frags[@]}" | grep -E '^CONFIG_' | awk '!seen[$0]++' |
	sed "s/^CONFIG_ARM64_4K_PAGES=y\$/CONFIG_ARM64_${pages^^}_PAGES=y/" > "$want"
if [ "${MODULES:-0}" = 1 ]; then
	sed -i -e 's/^CONFIG_KVM=y/CONFIG_KVM=m/' -e 's/^CONFIG_KVM_AMD=y/CONFIG_KVM_AMD=m/' \
		-e 's/^CONFIG_KVM_INTEL=y/CONFIG_KVM_INTEL=m/' "$want"
	echo CONFIG_MODULES=y >> "$want"
fi
mk() { make -s -C "$LINUX" O="$out" -j"$(nr_jobs)" "$@"; }

if ! cmp -s "$want" "$out/.fragment" || [ ! -f "$out/.config" ]; then
	mk KCONFIG_ALLCONFIG="$want" allnoconfig >/dev/null
	bad=0
	while read -r line; do
		grep -qxF "$line" "$out/.config" || { echo "kernel: config lost $line" >&2; bad=1; }
	done < "$want"
	[ "$bad" = 0 ] || die "config fragment did not apply (dependencies changed?)"
	cp "$want" "$out/.fragment"
fi
if [ -n "${TARGETS:-}" ]; then
	# shellcheck disable=SC2086
	mk $TARGETS
else
	mk "$image"
	echo "kernel: $out/arch/$arch/boot/$image"
fi
