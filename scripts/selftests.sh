#!/usr/bin/env bash
# Build the KVM selftests of build/linux, statically linked, out of tree
# into build/selftests, against the uapi headers of the tree being tested
# (installed into build/kout/usr/include).  Builds the standard targets of
# tools/testing/selftests/kvm/Makefile for x86_64, so tests added to that
# Makefile by patches are picked up without touching this script.
# Incremental: make rebuilds only what changed.
#   JOBS=n   parallel jobs (default: nproc, see nr_jobs() in lib.sh)
#   V=1      show the compiler command lines
#   SELFTESTS=dir  output directory (default: build/selftests)
#   SELFTESTS_ONLY="x86/a_test ..."  only these tests (and the library)
#   KOUT=dir       where the uapi headers go (default: build/kout)
#   ARCH=arm64     the aarch64 targets, cross-built (aarch64-linux-gnu-),
#                  into build/selftests-arm64, against the headers of
#                  build/kout-arm64
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$top/scripts/deps.sh"

SELFTESTS=${SELFTESTS:-$BUILD/selftests$sfx}
if [ "$arch" = arm64 ]; then
	command -v "${CROSS_COMPILE}gcc" >/dev/null ||
		die "${CROSS_COMPILE}gcc missing (ARCH=arm64 scripts/deps.sh installs it)"
	mkargs=(ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE") probe=$SELFTESTS/arm64/psci_test
else
	mkargs=(ARCH=x86) probe=$SELFTESTS/x86/sync_regs_test
fi
src=$LINUX/tools/testing/selftests/kvm
[ -f "$src/Makefile" ] || die "$src/Makefile missing: run 'make tree' (scripts/tree.sh) first"

# uapi headers of this tree (cheap, and incremental: unchanged headers keep
# their timestamps, so the selftests are not rebuilt for nothing).  A kernel
# build running into build/kout at the same time can make it trip: retry.
for try in 1 2 3 0; do
	[ "$try" != 0 ] || die "headers_install into $KOUT/usr/include failed 3 times (see above)"
	make -s -C "$LINUX" O="$KOUT" headers_install >/dev/null && break
	echo "selftests: headers_install failed (a kernel build running into build/kout?), retrying in 20s" >&2
	sleep 20
done
[ -f "$KOUT/usr/include/linux/kvm.h" ] || die "$KOUT/usr/include/linux/kvm.h missing after headers_install"

mkdir -p "$SELFTESTS"
start=$(date +%s)
targets=(all)
if [ -n "${SELFTESTS_ONLY:-}" ]; then
	read -ra targets <<<"$SELFTESTS_ONLY"
	targets=("${targets[@]/#/$SELFTESTS/}")
fi
# USERLDFLAGS is the lib.mk hook for link flags; CFLAGS/LDFLAGS of the
# environment would be overridden or appended in ways that differ by version.
make -C "$src" -j"$(nr_jobs)" $([ "${V:-0}" = 1 ] && echo V=1 || echo -s) \
	"${mkargs[@]}" OUTPUT="$SELFTESTS" \
	KHDR_INCLUDES="-isystem $KOUT/usr/include" \
	USERLDFLAGS=-static \
	"${targets[@]}" ||
	die "KVM selftests build failed (output above)"

# make sure what we got really is static: a dynamic binary would fail in the
# initramfs, which has no libc.
[ -z "${SELFTESTS_ONLY:-}" ] || probe=${targets[0]}
[ -f "$probe" ] || die "$probe was not built"
! readelf -l "$probe" | grep INTERP >/dev/null || die "$probe is dynamically linked (USERLDFLAGS=-static ignored?)"
n=$(find "$SELFTESTS" -type f -perm -u+x ! -name '*.o' ! -name '*.d' | wc -l)
echo "selftests: $n test binaries in ${SELFTESTS#$top/} ($(( $(date +%s) - start ))s)"
