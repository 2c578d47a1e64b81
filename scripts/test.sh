#!/usr/bin/env bash
# make test, what CI runs: make check and make gate, overlapped.
# The thread=single half of the gate keeps one core busy (QEMU's one TCG
# thread runs every guest CPU) for about 11 minutes; make check's builds
# take the other core meanwhile, into their own output directories, so that
# the two never share a file:
#   1. packages, tree, the gate kernel and the selftests (every core)
#   2. make check (niced, one job per build while the gate's first half
#      runs, then every core; build/kout-check, build/selftests-check; its
#      output in build/check.log, printed when it ends)  beside  the gate's
#      thread=single half
#   3. the gate's thread=multi half (QEMU's threads first; make check,
#      niced, goes on beside it), then the closing line; then the end of
#      make check
#   4. arm64, what fits: the production arm64 kernel at the top of the
#      series (build/kout-bench-arm64, where make check's arm64 builds
#      end), the selftests of tests/gate-arm64-test.list and
#      that list in qemu-system-aarch64: the series' own tests and a peer
#      test.  make test-arm64 runs the whole arm64 gate, on the gate kernel.
# Fails if check, either half of the gate or the arm64 part fails.  Ends
# with a summary, a line per part (its time, its result, what failed), so
# that the end of the output says what went wrong.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
summary=()
# part NAME T0 RC DETAIL: one line of the closing summary
part() {
	summary+=("$(printf '%-34s %5ss  %-6s %s' "$1" "$(( $(date +%s) - $2 ))" \
		"$([ "$3" = 0 ] && echo ok || echo FAILED)" "$4")")
}
# what a vm-test results.tsv says: counts, and the tests that did not pass
results() {
	[ -f "$1" ] || { echo "no $1"; return; }
	awk -F'\t' 'NR > 1 { if ($2 == "PASS") p++; else { f++; bad = bad " " $1 " (" $2 (($5 == "") ? "" : ": " $5) ")" } }
		END { printf "%d passed, %d failed or skipped%s", p, f, (f ? ":" bad : "") }' "$1"
}
closing() {
	echo "test: summary"
	printf '  %s\n' "${summary[@]}"
	echo "test: $1 after $(( $(date +%s) - start ))s"
}

bash "$top/scripts/deps.sh"
ARCH=arm64 bash "$top/scripts/deps.sh"
bash "$top/scripts/tree.sh"
bash "$top/scripts/kernel.sh"
bash "$top/scripts/selftests.sh"
part "setup (packages, tree, kernel...)" "$start" 0 "gate kernel and selftests built"

t0=$(date +%s)
one_job=$BUILD/.gate-single-running
touch "$one_job"
# nice: QEMU's TCG thread comes first, so that the guest's clocks (TSC
# against the Hyper-V reference counter, hyperv_clock) do not drift apart
# while the builds run; one job per build until the first half ends
KOUT=$BUILD/kout-check SELFTESTS=$BUILD/selftests-check ONE_JOB_WHILE=$one_job \
	nice -n 19 bash "$top/scripts/check.sh" >"$BUILD/check.log" 2>&1 &
check_pid=$!
trap 'rm -f "$one_job"; kill "$check_pid" 2>/dev/null || true' EXIT
rc=0
single_rc=0
SELFTESTS_BUILT=1 GATE_HALF=single bash "$top/scripts/gate.sh" || single_rc=1
rm -f "$one_job"
part "gate, thread=single" "$t0" "$single_rc" "$(results "$BUILD/vm-test/results.tsv")"
[ "$single_rc" = 0 ] || rc=1
echo "test: the gate's thread=single half ended after $(( $(date +%s) - t0 ))s"
# The thread=multi half while make check goes on (niced: it takes what
# QEMU's threads leave); the selftests are built, build/linux is check's.
t1=$(date +%s) multi_rc=0
SELFTESTS_BUILT=1 GATE_HALF=multi bash "$top/scripts/gate.sh" || multi_rc=1
part "gate, thread=multi" "$t1" "$multi_rc" "$(results "$BUILD/vm-test-mttcg/results.tsv")"
[ "$multi_rc" = 0 ] || rc=1
echo "test: waiting for make check"
check_rc=0
wait "$check_pid" || check_rc=$?
trap - EXIT
echo "test: make check (beside the gate) took $(( $(date +%s) - t0 ))s, build/check.log:"
sed 's/^/  /' "$BUILD/check.log"
[ "$check_rc" = 0 ] || { echo "test: make check FAILED (rc=$check_rc)"; rc=1; }
part "make check (beside the gate)" "$t0" "$check_rc" \
	"$(grep -m3 -E '^check: FAIL' "$BUILD/check.log" | tr '\n' ' ' || true)"

t1=$(date +%s)
arm64_rc=0
list=$top/tests/gate-arm64-test.list
mapfile -t progs < <(sed -e 's/[[:space:]]*#.*//' -e '/^[[:space:]]*$/d' "$list" | awk '{print $1}' | sort -u)
ARCH=arm64 PROFILE=bench bash "$top/scripts/kernel.sh" &&
	ARCH=arm64 SELFTESTS_ONLY="${progs[*]}" bash "$top/scripts/selftests.sh" &&
	ARCH=arm64 SELFTESTS_BUILT=1 GATE_LIST=$list \
		BZIMAGE=$BUILD/kout-bench-arm64/arch/arm64/boot/Image bash "$top/scripts/vm-test.sh" ||
	arm64_rc=1
echo "test: arm64 (kernel, selftests, tests/gate-arm64-test.list) took $(( $(date +%s) - t1 ))s"
part "arm64 (kernel, selftests, gate)" "$t1" "$arm64_rc" "$(results "$BUILD/vm-test-arm64/results.tsv")"
[ "$arm64_rc" = 0 ] || { echo "test: arm64 FAILED"; rc=1; }
closing "$([ "$rc" = 0 ] && echo OK || echo FAILED)"
exit "$rc"
