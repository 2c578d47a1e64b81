#!/usr/bin/env bash
# Boot build/kout's bzImage in QEMU (TCG, KVM nested on the emulated SVM)
# and run KVM selftests in it; print a result table.
#
#   scripts/vm-test.sh                      the gate: tests/gate.list
#   scripts/vm-test.sh 'dirty_log_test -M dirty-ring' x86_64/sync_regs_test
#   TESTS='x86_64/sync_regs_test x86_64/debug_regs' scripts/vm-test.sh
#
# A test is a command line (program relative to build/selftests, x86_64/
# may be left out, then its arguments); in TESTS separate command lines
# with ';' or newlines (if there are none, every blank-separated word is a
# test).  Settings:
#   TEST_TIMEOUT=300   per-test timeout in the guest, seconds
#   VM_TIMEOUT=1800    timeout of the whole QEMU run, seconds
#   VM_APPEND=...      extra kernel command line
#   HUGEPAGES=128      2M hugetlb pages the guest reserves (hugepages=; the
#                      kernel has no sysctl), for dirty_log_page_splitting_test
#   VM_TSC_KHZ=...     the guest's TSC frequency (default: measured on the host)
#   VERBOSE=1          show the whole console while it runs
#
# Writes build/vm-test/console.log (the whole serial console),
# build/vm-test/results.tsv and build/vm-test/logs/<test>.log.
# Status: PASS (exit 0), SKIP (exit 4, KSFT_SKIP), FAIL, TIMEOUT (per-test
# timeout or the VM timeout hit it), MISSING (never started).  A kernel
# splat (WARNING, BUG, lockdep, RCU stall, Oops, panic...) fails the test
# that was running (or a "(kernel)" row when none was).  The last line is
# "N passed, N failed, N skipped"; exit status is non-zero iff N failed > 0.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$top/scripts/deps.sh"

gate=$top/tests/gate.list
known=$top/tests/tcg-known-failures.list
out=$BUILD/vm-test
bzimage=$KOUT/arch/x86/boot/bzImage
test_timeout=${TEST_TIMEOUT:-300}
vm_timeout=${VM_TIMEOUT:-1800}
[[ "$vm_timeout" =~ ^[1-9][0-9]*$ ]] || die "VM_TIMEOUT=$vm_timeout is not a number of seconds"

# list file -> entries, comments (whole-line or trailing " # ...") dropped
read_list() {
	sed -e 's/^[[:space:]]*#.*//' -e 's/[[:space:]]#.*//' \
	    -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$1" | grep -v '^$' || true
}

entries=()
if [ $# -gt 0 ]; then
	entries=("$@")
elif [ -n "${TESTS:-}" ]; then
	if [[ "$TESTS" == *[$'\n;']* ]]; then
		mapfile -t entries < <(tr ';' '\n' <<<"$TESTS" | grep -v '^[[:space:]]*$')
	else
		read -r -a entries <<<"$TESTS"
	fi
else
	[ -f "$gate" ] || die "$gate missing"
	mapfile -t entries < <(read_list "$gate")
fi
[ ${#entries[@]} -gt 0 ] || die "no tests to run"

[ -f "$bzimage" ] || die "no kernel: $bzimage missing (run scripts/kernel.sh first)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (scripts/deps.sh)"

bash "$top/scripts/selftests.sh"
TEST_TIMEOUT=$test_timeout bash "$top/scripts/initramfs.sh" "${entries[@]}"
list=$BUILD/initramfs.tests

rm -rf "$out"
mkdir -p "$out/logs"
log=$out/console.log

hugepages=${HUGEPAGES:-128}
[[ "$hugepages" =~ ^[0-9]+$ ]] || die "HUGEPAGES=$hugepages is not a number"

# TCG's guest TSC is the host's TSC.  The guest kernel calibrates it against
# the emulated PIT, which fails now and then when the host is busy ("tsc:
# Unable to calibrate against PIT"; no HPET/PM timer without ACPI): then
# KVM has no TSC frequency and most x86 tests fail.  Measure it here and
# hand it over with tsc_early_khz=.
tsc_khz=${VM_TSC_KHZ:-}
if [ -z "$tsc_khz" ]; then
	cat > "$out/tsc-khz.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>
static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC_RAW, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}
static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}
int main(void)
{
	double khz[7];
	for (int i = 0; i < 7; i++) {
		double t0 = now();
		unsigned long long c0 = __rdtsc();
		while (now() - t0 < 0.03)
			;
		unsigned long long c1 = __rdtsc();
		double t1 = now();
		khz[i] = (c1 - c0) / (t1 - t0) / 1000;
	}
	qsort(khz, 7, sizeof(khz[0]), cmp);
	printf("%.0f\n", khz[3]);	/* median */
	return 0;
}
EOF
	gcc -O2 -o "$out/tsc-khz" "$out/tsc-khz.c" || die "cannot build the TSC frequency probe"
	tsc_khz=$("$out/tsc-khz")
fi
[[ "$tsc_khz" =~ ^[1-9][0-9]{5,}$ ]] || die "TSC frequency '$tsc_khz' kHz makes no sense (set VM_TSC_KHZ)"

# The kernel has no ACPI, so it finds CPUs in SeaBIOS's MP table, which
# lists one CPU per package: a plain "-smp 2" (2 cores, 1 socket) boots with
# 1 CPU.  thread=multi TCG is not used: it panicked the guest once.
# tsc=reliable: with 2 packages, no invariant TSC and a non-Intel CPU the
# kernel calls the TSC unsynchronized and falls back to the jiffies
# clocksource (4ms resolution, no HPET without ACPI), which breaks timing
# tests (xen_shinfo_test runstate times); TCG's TSCs are one virtual clock.
qemu=(qemu-system-x86_64 -accel tcg,thread=single -cpu max
	-smp 2,sockets=2,cores=1,threads=1 -m 4G
	-nographic -no-reboot
	-kernel "$bzimage" -initrd "$BUILD/initramfs.cpio.gz"
	-append "console=ttyS0 panic=-1 printk.time=1 tsc=reliable tsc_early_khz=$tsc_khz hugepages=$hugepages ${VM_APPEND:-}")
echo "vm-test: ${qemu[*]}"
echo "vm-test: $(wc -l < "$list") tests, ${test_timeout}s each, ${vm_timeout}s for the whole VM; console in ${log#$top/}"
t0=$(date +%s)
set +e
if [ "${VERBOSE:-0}" = 1 ]; then
	timeout -k 10 "$vm_timeout" "${qemu[@]}" </dev/null 2>&1 | tr -d '\r' | tee "$log"
else
	# progress: one line per finished test
	timeout -k 10 "$vm_timeout" "${qemu[@]}" </dev/null 2>&1 | tr -d '\r' | tee "$log" |
		sed -n -u 's/.*@@TEST \([^ ]*\) END rc=\([0-9]*\) secs=\([0-9.]*\).*/vm-test:   \1 rc=\2 \3s/p'
fi
qemu_rc=${PIPESTATUS[0]}
set -e
elapsed=$(( $(date +%s) - t0 ))
vm_timed_out=0
case "$qemu_rc" in
0) ;;
124|137) vm_timed_out=1; echo "vm-test: QEMU killed after VM_TIMEOUT=${vm_timeout}s" ;;
*) echo "vm-test: QEMU exited with status $qemu_rc" ;;
esac

# ---- parse the console -------------------------------------------------
# One pass over the log: markers, and kernel splats attributed to the test
# that was running.  Kernel lines carry a printk timestamp (printk.time=1);
# only those are searched, so test output cannot fake a splat.
splat_re='WARNING:|BUG:|KASAN|possible recursive locking|lockdep|INFO: rcu|rcu_sched self-detected stall|Oops|Kernel panic|circular locking|general protection fault|soft lockup|hard LOCKUP|INFO: task .* blocked|UBSAN:|Call Trace:'
# benign boot lines that match: "rcu: RCU lockdep checking is enabled."
splat_ok='RCU lockdep checking is enabled'
awk -v re="$splat_re" -v ok="$splat_ok" -v out="$out" '
	function flush() { if (cur != "") close(logf) }
	/@@TEST [^ ]+ START/ {
		match($0, /@@TEST [^ ]+ START/); s = substr($0, RSTART + 7, RLENGTH - 13)
		flush(); cur = s; f = s; gsub("/", "_", f); logf = out "/logs/" f ".log"
		printf "" > logf
		print "START\t" s > out "/markers"
		next
	}
	/@@TEST [^ ]+ TIMEOUT/ {
		match($0, /@@TEST [^ ]+ TIMEOUT/); print "TIMEOUT\t" substr($0, RSTART + 7, RLENGTH - 15) > out "/markers"
		next
	}
	/@@TEST [^ ]+ END rc=[0-9]+ secs=[0-9.]+/ {
		match($0, /@@TEST [^ ]+ END rc=[0-9]+ secs=[0-9.]+/); m = substr($0, RSTART + 7, RLENGTH - 7)
		split(m, g, " "); sub("rc=", "", g[3]); sub("secs=", "", g[4])
		print "END\t" g[1] "\t" g[3] "\t" g[4] > out "/markers"
		flush(); cur = ""
		next
	}
	/@@DONE/ { print "DONE" > out "/markers"; next }
	/@@INFO kvm no/ { print "NOKVM" > out "/markers" }
	{
		if (cur != "") print > logf
		if ($0 ~ /\[ *[0-9]+\.[0-9]+\] / && $0 ~ re && $0 !~ ok)
			print "SPLAT\t" (cur == "" ? "(kernel)" : cur) "\t" $0 > out "/markers"
	}
' "$log"
touch "$out/markers"

declare -A status=() secs=() rc=() note=() reason=()
while IFS=$'\t' read -r kind a b c; do
	case "$kind" in
	START) status[$a]=RUNNING ;;
	TIMEOUT) status[$a]=TIMEOUT ;;
	END)
		rc[$a]=$b; secs[$a]=$c
		if [ "${status[$a]:-}" = TIMEOUT ]; then :
		elif [ "$b" = 0 ]; then status[$a]=PASS
		elif [ "$b" = 4 ]; then status[$a]=SKIP
		else status[$a]=FAIL; note[$a]="exit $b"
		fi ;;
	esac
done < "$out/markers"
done_marker=$(grep -c '^DONE$' "$out/markers" || true)

if [ -f "$known" ]; then
	while read -r k r; do
		r=${r#\#}; reason[$k]=${r# }
	done < <(grep -v '^[[:space:]]*#' "$known" | grep -v '^[[:space:]]*$' | sed 's/[[:space:]]*#/ #/')
fi

names=()
while IFS=$'\t' read -r n _; do names+=("$n"); done < "$list"
splats=()
extra=()
while IFS=$'\t' read -r _ who line; do
	splats+=("$who: $line")
	if [ "$who" = "(kernel)" ]; then
		[[ " ${extra[*]:-} " == *" (kernel) "* ]] || extra+=("(kernel)")
		status["(kernel)"]=FAIL; note["(kernel)"]="kernel splat outside any test"
	else
		[ -n "${status[$who]:-}" ] && [ "${status[$who]}" != FAIL ] && [ "${status[$who]}" != TIMEOUT ] &&
			status[$who]=FAIL
		note[$who]="kernel splat${note[$who]:+; ${note[$who]}}"
	fi
done < <(grep '^SPLAT' "$out/markers" || true)
if [ "$done_marker" = 0 ]; then
	extra+=("(guest)"); status["(guest)"]=FAIL; note["(guest)"]="no @@DONE marker: the guest did not finish"
elif grep -q '^NOKVM$' "$out/markers"; then
	extra+=("(guest)"); status["(guest)"]=FAIL; note["(guest)"]="no /dev/kvm in the guest"
fi

pass=0 fail=0 skip=0
w=4
for n in "${names[@]}" "${extra[@]}"; do [ ${#n} -le $w ] || w=${#n}; done
printf '%-*s  %-7s  %7s  %s\n' "$w" test status seconds note
printf 'test\tstatus\tsecs\trc\tnote\n' > "$out/results.tsv"
for n in "${names[@]}" "${extra[@]}"; do
	st=${status[$n]:-MISSING}
	nt=${note[$n]:-}
	if [ "$st" = RUNNING ]; then
		if [ "$vm_timed_out" = 1 ]; then st=TIMEOUT; nt="VM_TIMEOUT hit while running${nt:+; $nt}"
		else st=FAIL; nt="no END marker: guest died while running it${nt:+; $nt}"; fi
	fi
	[ "$st" = MISSING ] && nt="never started${nt:+; $nt}"
	[ "$st" = TIMEOUT ] && [ -z "$nt" ] && nt="killed after TEST_TIMEOUT=${test_timeout}s"
	case "$st" in
	PASS) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1))
	   prog=${n%%\[*}
	   [ -n "${reason[$prog]:-}" ] && nt="${nt:+$nt; }known TCG failure" ;;
	esac
	printf '%-*s  %-7s  %7s  %s\n' "$w" "$n" "$st" "${secs[$n]:--}" "$nt"
	printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$st" "${secs[$n]:--}" "${rc[$n]:--}" "$nt" >> "$out/results.tsv"
done
echo "vm-test: ${elapsed}s in QEMU (kernel $(grep -m1 -o '@@INFO kernel [^ ]*' "$log" | cut -d' ' -f3 || true))"
if [ ${#splats[@]} -gt 0 ]; then
	echo "vm-test: KERNEL SPLAT in the guest log (see ${log#$top/}):"
	printf '  %s\n' "${splats[@]:0:20}"
	[ ${#splats[@]} -le 20 ] || echo "  ... $(( ${#splats[@]} - 20 )) more"
fi
if [ -f "$known" ]; then
	while read -r k r; do
		echo "not gated: $k (${reason[$k]:-no reason given})"
	done < <(grep -v '^[[:space:]]*#' "$known" | grep -v '^[[:space:]]*$' | sed 's/[[:space:]]*#/ #/')
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
