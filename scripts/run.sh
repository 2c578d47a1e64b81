#!/usr/bin/env bash
# The demo: boot the patched kernel and show it doing dirty tracking, with
# the whole console on the terminal: the dirty GFN ring test, then the
# upstream dirty-log test in its bitmap and dirty-ring modes for comparison.
# The tests to run are in tests/run.list.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

list=$top/tests/run.list
[ -f "$list" ] || die "$list missing"
mapfile -t tests < <(sed -e 's/[[:space:]]*#.*//' -e '/^[[:space:]]*$/d' "$list")
echo "run: booting the patched kernel ($(git -C "$LINUX" log --oneline base..HEAD | wc -l) patches on base) under QEMU TCG"
VERBOSE=1 bash "$top/scripts/vm-test.sh" "${tests[@]}"
