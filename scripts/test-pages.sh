#!/usr/bin/env bash
# make test-pages: the arm64 part of make test (tests/gate-arm64-test.list)
# on production arm64 kernels whose pages are 16 KiB and 64 KiB
# (build/kout-bench-arm64-16k and -64k; results in build/vm-test-arm64-16k
# and -64k), the guests' pages staying 4 KiB: the dirty quota's unit, and
# the rings' and tests' page arithmetic, on hosts whose pages are larger
# than the guest's.  Not part of make test: two more arm64 kernels.
#   PAGES="16k 64k"   which (scripts/kernel.sh PAGES=)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export ARCH=arm64
bash "$top/scripts/deps.sh"
list=$top/tests/gate-arm64-test.list
mapfile -t progs < <(sed -e 's/[[:space:]]*#.*//' -e '/^[[:space:]]*$/d' "$list" | awk '{ print $1 }' | sort -u)
SELFTESTS_ONLY="${progs[*]}" bash "$top/scripts/selftests.sh"
rc=0
for pages in ${PAGES:-16k 64k}; do
	if ! PROFILE=bench PAGES=$pages bash "$top/scripts/kernel.sh"; then
		echo "test-pages: FAIL the $pages arm64 kernel does not build"; rc=1; continue
	fi
	echo "test-pages: $pages host pages"
	SELFTESTS_BUILT=1 GATE_LIST=$list VM_TEST_OUT=$BUILD/vm-test-arm64-$pages \
		BZIMAGE=$BUILD/kout-bench-arm64-$pages/arch/arm64/boot/Image \
		bash "$top/scripts/vm-test.sh" || rc=1
done
exit "$rc"
