#!/usr/bin/env bash
# Where KVM_RESET_DIRTY_PAGES spends its time.  Boots the profiling kernel
# (PROFILE=profile: the production config plus the ftrace function
# profiler, build/kout-prof) and runs dirty_checkpoint_perf_test -m gfn at
# 64, 1024 and 16384 dirty pages in 16 GiB (1 vCPU, 20 checkpoints) under
# scripts/ftrace_profile.c, which counts the calls of a few kernel functions
# and their time including what they call (function graph tracer).  The
# dirty ring's reset is profiled at 64 and 1024 pages for comparison.  Tracing
# inflates every time: read the shares, not the numbers.
# Writes bench/profile.md.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

PROFILE=profile bash "$top/scripts/kernel.sh"
bash "$top/scripts/selftests.sh"
gcc -O2 -Wall -static -o "$BUILD/selftests/ftrace_profile" "$top/scripts/ftrace_profile.c"

test=x86/dirty_checkpoint_perf_test
# the first entry puts the test binary into the initramfs
cmds=("$test -m gfn -s 64 -p 64 -n 2")
for p in 64 1024 16384; do
	ws=$(( p * 2 > 4096 ? p * 2 : 4096 ))
	cmds+=("ftrace_profile gfn-$p gfn $test -m gfn -s 16384 -p $p -v 1 -w $ws -n 20")
done
for p in 64 1024; do
	cmds+=("ftrace_profile ring-$p ring $test -m ring -s 16384 -p $p -v 1 -w 4096 -n 20")
done

out=$BUILD/profile-vm
# REPARSE=1: only rewrite bench/profile.md from the last run's console
if [ "${REPARSE:-0}" != 1 ]; then
	BZIMAGE=$BUILD/kout-prof/arch/x86/boot/bzImage VM_TEST_OUT=$out \
		bash "$top/scripts/vm-test.sh" "${cmds[@]}"
fi
[ -f "$out/console.log" ] || die "no $out/console.log: run without REPARSE=1"

{
	echo "# Where KVM_RESET_DIRTY_PAGES spends its time"
	echo
	echo "ftrace function profiler with the function graph tracer (a function's"
	echo "time includes its callees) on the profiling kernel: the production"
	echo "config plus config/profile.config.  x86/dirty_checkpoint_perf_test, 16 GiB,"
	echo "1 vCPU, 20 checkpoints, random pages in a working set of max(4096, 2 x"
	echo "pages) pages.  Emulated under TCG and inflated by tracing (each traced"
	echo "call costs about a microsecond more): read the calls and the shares of"
	echo "the top-level function, not the microseconds.  A function with 0 calls"
	echo "was inlined.  Regenerate with scripts/bench-profile.sh (make"
	echo "bench-profile; REPARSE=1 rewrites this file from the last run)."
	echo
	echo "| run | function | calls per checkpoint | us per checkpoint | share |"
	echo "|---|---|---:|---:|---:|"
	grep -ao 'PROFILE tag=.*' "$out/console.log" | awk -v n_ckpt=20 '
		{
			delete v
			for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			tag = v["tag"]; f = v["func"]
			if (!(tag in top)) { top[tag] = v["total_us"]; order[++n] = tag }
			line[tag, ++cnt[tag]] = f "\t" v["hits"] "\t" v["total_us"]
		}
		END {
			for (k = 1; k <= n; k++) {
				t = order[k]
				for (j = 1; j <= cnt[t]; j++) {
					split(line[t, j], c, "\t")
					if (c[2] == "NA" || c[2] == 0) {
						printf "| %s | %s | inlined | | |\n", t, c[1]
						continue
					}
					share = top[t] > 0 ? sprintf("%.0f%%", 100 * c[3] / top[t]) : "NA"
					printf "| %s | %s | %.1f | %.0f | %s |\n", t, c[1],
						c[2] / n_ckpt, c[3] / n_ckpt, share
				}
			}
		}'
} > "$top/bench/profile.md"
echo "bench-profile: wrote bench/profile.md"
