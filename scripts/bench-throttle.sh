#!/usr/bin/env bash
# Benchmark dirty-rate throttling: the dirty quota (granted per 1, 10 and
# 100 ms slice), ring full exits with a tuned sleep on dirty GFN rings (the
# soft limit as the knob) and on the dirty ring (its size as the knob, QEMU's
# dirty-limit), and no throttling, with x86/dirty_throttle_perf_test on
# the production kernel (PROFILE=bench, build/kout-bench) under QEMU TCG
# with thread=multi (the guest's vCPUs run in parallel, so the vCPUs that
# only compute mean something).
#
#   scripts/bench-throttle.sh             build, run in the VM, write bench/
#   scripts/bench-throttle.sh --list      print the test command lines
#   scripts/bench-throttle.sh --log FILE  only parse a console log
#
# Every run measures the unthrottled rates first, then every mechanism at
# every target (5 .. 80 % of the unthrottled rate), D seconds each:
#   R=3 runs   D=1 second per point
# Writes bench/throttle.md, bench/throttle.tsv and bench/throttle-*.png
# (scripts/bench_throttle_report.py).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

runs=${R:-3}
secs=${D:-1}
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "R=$runs is not a number"
[[ "$secs" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "D=$secs is not a number of seconds"
vmout=$BUILD/bench-throttle-vm

cmds=()
for r in $(seq 1 "$runs"); do
	cmds+=("x86/dirty_throttle_perf_test -d $secs -r $r")
done

log=''
case "${1:-}" in
--list) printf '%s\n' "${cmds[@]}"; exit 0 ;;
--log)
	log=${2:?--log needs a console log}
	[ -f "$log" ] || die "$log: no such file" ;;
"") ;;
*) die "usage: ${0##*/} [--list | --log console.log]" ;;
esac

rc=0
if [ -z "$log" ]; then
	PROFILE=bench bash "$top/scripts/kernel.sh"
	bash "$top/scripts/selftests.sh"
	t0=$(date +%s)
	TCG_THREAD=multi BZIMAGE=$BUILD/kout-bench/arch/x86/boot/bzImage VM_TEST_OUT=$vmout \
		TEST_TIMEOUT=${TEST_TIMEOUT:-900} VM_TIMEOUT=${VM_TIMEOUT:-3600} \
		bash "$top/scripts/vm-test.sh" "${cmds[@]}" || rc=$?
	echo "bench-throttle: the runs took $(( $(date +%s) - t0 ))s"
	log=$vmout/console.log
fi

command -v gnuplot >/dev/null || die "gnuplot missing (gnuplot-nox, scripts/deps.sh)"
python3 "$top/scripts/bench_throttle_report.py" --log "$log" --out "$top/bench" \
	--runs "$runs" --secs "$secs" \
	--head "$(git -C "$LINUX" log -1 --format='%h %s' 2>/dev/null || echo unknown)" || rc=1
exit "$rc"
