#!/usr/bin/env bash
# Benchmark dirty page tracking for checkpointing: dirty GFN rings (gfn),
# the upstream dirty ring (ring) and the dirty bitmap with manual protect
# (bitmap), with x86/dirty_checkpoint_perf_test, on the production kernel
# (PROFILE=bench: config/kvm-guest.config without config/debug.config, in
# build/kout-bench), under QEMU TCG with thread=multi (parallel vCPUs).
#
#   scripts/bench.sh             build, run the sweep in the VM, write bench/
#   scripts/bench.sh --list      print the sweep's test command lines
#   scripts/bench.sh --log FILE  only parse a console log and write bench/
#
# Sweeps (each point for the three mechanisms, N checkpoints each):
#   memory 1, 4, 16, 64 GiB (sparse memslot), 1024 pages, 1 vCPU
#   dirty pages 64 .. 16384 per checkpoint, 16 GiB, 1 vCPU
#   vCPUs 1, 2, 4, 16 GiB, 1024 pages
# The working set is max(4096, 2 x pages) pages.  Every point runs R times
# with another seed (-r), the mechanisms interleaved: run 1 of every point
# and mechanism, then run 2, ...
#   N=20 checkpoints per run    R=3 runs per point
#   TEST_TIMEOUT=600   VM_TIMEOUT=3600   passed to scripts/vm-test.sh
# Writes bench/results.tsv, bench/results.md, bench/{memory,pages,vcpus}.png
# (scripts/bench_report.py).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

n=${N:-20}
runs=${R:-3}
[[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N=$n is not a number"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "R=$runs is not a number"
test=x86/dirty_checkpoint_perf_test
mechs=(gfn ring bitmap)
out=$top/bench
vmout=$BUILD/bench-vm

# sweep points "mem_mib pages vcpus", without repeats
points=()
add_point() { [[ " ${points[*]/%/,} " == *" $1 $2 $3, "* ]] || points+=("$1 $2 $3"); }
for g in 1 4 16 64; do add_point $((g * 1024)) 1024 1; done
for p in 64 256 1024 4096 16384; do add_point 16384 "$p" 1; done
for v in 1 2 4; do add_point 16384 1024 "$v"; done

cmds=()
for r in $(seq 1 "$runs"); do
	for pt in "${points[@]}"; do
		read -r mem pages vcpus <<<"$pt"
		ws=$(( pages * 2 > 4096 ? pages * 2 : 4096 ))
		for m in "${mechs[@]}"; do
			cmds+=("$test -m $m -s $mem -p $pages -v $vcpus -w $ws -n $n -r $r")
		done
	done
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
		TEST_TIMEOUT=${TEST_TIMEOUT:-600} VM_TIMEOUT=${VM_TIMEOUT:-3600} \
		bash "$top/scripts/vm-test.sh" "${cmds[@]}" || rc=$?
	echo "bench: the sweep took $(( $(date +%s) - t0 ))s"
	log=$vmout/console.log
fi

command -v gnuplot >/dev/null || die "gnuplot missing (gnuplot-nox, scripts/deps.sh)"
python3 "$top/scripts/bench_report.py" --log "$log" --out "$out" --runs "$runs" \
	--checkpoints "$n" --expect ${#cmds[@]} --config "$top/config/kvm-guest.config" \
	--head "$(git -C "$LINUX" log -1 --format='%h %s' 2>/dev/null || echo unknown)" || rc=1
exit "$rc"
