#!/usr/bin/env bash
# The end-to-end jobs, measured: x86/dirty_migration_test (live
# migration with and without the dirty quota, postcopy, classic against
# pipelined checkpoints) on the production kernel (PROFILE=bench,
# build/kout-bench) under QEMU TCG with thread=multi.
#
#   scripts/bench-e2e.sh             build, run in the VM, write bench/
#   scripts/bench-e2e.sh --list      print the test command lines
#   scripts/bench-e2e.sh --log FILE  only parse a console log
#
# R=2 runs; the checkpoints alternate classic and pipelined, N=10 of each
# per interval, at intervals of 10, 50, 200 and 1000 ms of guest run time
# (dirty sets from a few pages to about a thousand).
# Writes bench/e2e.md, bench/e2e.tsv and bench/e2e-pause.png
# (scripts/bench_e2e_report.py).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

runs=${R:-2}
n=${N:-10}
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "R=$runs is not a number"
[[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N=$n is not a number"
vmout=$BUILD/bench-e2e-vm

cmds=()
for r in $(seq 1 "$runs"); do
	cmds+=("x86/dirty_migration_test -r 8 -n $n -i 10,50,200,1000 -x $r")
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
	echo "bench-e2e: the runs took $(( $(date +%s) - t0 ))s"
	log=$vmout/console.log
fi

command -v gnuplot >/dev/null || die "gnuplot missing (gnuplot-nox, scripts/deps.sh)"
python3 "$top/scripts/bench_e2e_report.py" --log "$log" --out "$top/bench" \
	--head "$(git -C "$LINUX" log -1 --format='%h %s' 2>/dev/null || echo unknown)" || rc=1
exit "$rc"
