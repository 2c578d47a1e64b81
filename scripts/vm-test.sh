#!/usr/bin/env bash
# Boot build/kout's bzImage in QEMU (TCG, KVM nested on the emulated SVM),
# run KVM selftests in it and print a result table.
#
#   scripts/vm-test.sh                      the gate: tests/gate.list
#   scripts/vm-test.sh 'dirty_log_test -M dirty-ring' x86/sync_regs_test
#   TESTS='x86/sync_regs_test x86/debug_regs' scripts/vm-test.sh
#
# A test is a command line: a program relative to build/selftests (x86/
# may be left out) and its arguments.  In TESTS, separate command lines with
# ';' or newlines; without either, every blank-separated word is one test.
# Settings (environment):
#   TEST_TIMEOUT=300   per-test timeout in the guest, seconds
#   VM_TIMEOUT=1800    timeout of the whole QEMU run, seconds
#   HUGEPAGES=128      2M hugetlb pages the guest reserves at boot (arm64:
#                      hugepagesz=2M, so also with 16K and 64K pages)
#   VM_TSC_KHZ=...     guest TSC frequency (default: measured on the host)
#   VM_APPEND=...      more kernel command line
#   TCG_THREAD=single  QEMU's TCG threading: single (one host thread runs
#                      every guest CPU in turn) or multi (one host thread per
#                      guest CPU: real parallelism, for the concurrency tests)
#   BZIMAGE=path       boot this kernel instead of build/kout's (e.g. the
#                      old series, to see a new test fail there)
#   VERBOSE=1          show the whole console while it runs
#   REPARSE=1          do not boot: parse build/vm-test/console.log again
#   GATE_LIST=file     the gate list to run (default tests/gate.list)
#   FULL=1             the default list and tests/gate-slow.list after it
#                      (x86: the slow upstream tests make test leaves out)
#   VM_TEST_OUT=dir    where the results go (default build/vm-test)
#   ARCH=arm64         the arm64 workspace: build/kout-arm64's Image under
#                      qemu-system-aarch64 -M virt,virtualization=on,
#                      gic-version=3 (the kernel enters at EL2, KVM runs
#                      there), tests from build/selftests-arm64, the gate
#                      tests/gate-arm64.list, known failures
#                      tests/tcg-known-failures-arm64.list, results in
#                      build/vm-test-arm64.  No TSC: VM_TSC_KHZ is x86 only.
#   VM_CPU=...         arm64: QEMU's -cpu (default max,pauth-impdef=on)
#   SPLAT_OK=regex     kernel lines that match it are no splat (make kcsan)
#   QEMU=system        the machine's QEMU (Debian 12: 7.2); QEMU=backports:
#                      QEMU_VERSION of scripts/versions.mk (10.0), unpacked
#                      into build/qemu by scripts/qemu.sh
#
# Writes build/vm-test/console.log (the whole serial console),
# build/vm-test/results.tsv and build/vm-test/logs/<test>.log.
# Status: PASS (exit 0), SKIP (exit 4, KSFT_SKIP), FAIL, TIMEOUT (the
# per-test timeout or VM_TIMEOUT hit it), MISSING (never started).  A test
# of tests/must-run.list (the series' own) that skips, as a whole or any
# part of it ("# SKIP" or "skip:N" in the kselftest output, "skipped" in its
# own), FAILs: the series' tests must not pass when a capability is gone.  A kernel
# splat (WARNING, BUG, lockdep, RCU stall, Oops, panic...) fails the test
# that was running, or adds a "(kernel)" row when none was.  The last line
# is "N passed, N failed, N skipped"; the exit status is 0 iff N failed = 0.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$top/scripts/deps.sh"

gate=${GATE_LIST:-$top/tests/gate$sfx.list}
known=$top/tests/tcg-known-failures$sfx.list
must_run=$top/tests/must-run.list
out=${VM_TEST_OUT:-$BUILD/vm-test$sfx}
log=$out/console.log
list=$BUILD/initramfs$sfx.tests
if [ "$arch" = arm64 ]; then
	bzimage=${BZIMAGE:-$KOUT/arch/arm64/boot/Image}
else
	bzimage=${BZIMAGE:-$KOUT/arch/x86/boot/bzImage}
fi
test_timeout=${TEST_TIMEOUT:-300}
vm_timeout=${VM_TIMEOUT:-1800}
hugepages=${HUGEPAGES:-128}
tcg_thread=${TCG_THREAD:-single}
case "$tcg_thread" in single|multi) ;; *) die "TCG_THREAD=$tcg_thread: single or multi" ;; esac
[[ "$test_timeout" =~ ^[1-9][0-9]*$ ]] || die "TEST_TIMEOUT=$test_timeout is not a number of seconds"
[[ "$vm_timeout" =~ ^[1-9][0-9]*$ ]] || die "VM_TIMEOUT=$vm_timeout is not a number of seconds"
[[ "$hugepages" =~ ^[0-9]+$ ]] || die "HUGEPAGES=$hugepages is not a number"

# a list file without its comments (whole lines, or from " #" on)
read_list() {
	sed -e 's/^[[:space:]]*#.*//' -e 's/[[:space:]]#.*//' \
	    -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$1" | grep -v '^$' || true
}

# The guest's TSC is the host's TSC (TCG reads it for RDTSC).  The guest
# kernel calibrates it against the emulated PIT, which fails now and then
# when the host is busy ("tsc: Unable to calibrate against PIT"; without
# ACPI there is no HPET or PM timer to fall back on): KVM then has no TSC
# frequency and most x86 tests fail.  So measure it here, for tsc_early_khz=.
host_tsc_khz() {
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
	printf("%.0f\n", khz[3]);	/* the median */
	return 0;
}
EOF
	gcc -O2 -o "$out/tsc-khz" "$out/tsc-khz.c" || die "cannot build the TSC frequency probe"
	"$out/tsc-khz"
}

# The guest's soft lockup and RCU stall detectors at 60 s and 120 s, not 20 s
# and 21 s: under TCG a guest CPU's time passes while QEMU's thread waits
# for the host (thread=single: while it runs the other guest CPU; a loaded
# or throttled host), and a guest starved that way for 25 s took a "soft
# lockup" on its idle task (swapper) once.  A real lockup still shows, and
# ends in the per-test timeout anyway.
detectors="watchdog_thresh=30 rcupdate.rcu_cpu_stall_timeout=120"

qemu_x86() {
	local tsc_khz=${VM_TSC_KHZ:-$(host_tsc_khz)}
	[[ "$tsc_khz" =~ ^[1-9][0-9]{5,}$ ]] || die "TSC frequency '$tsc_khz' kHz makes no sense (set VM_TSC_KHZ)"

	# -smp: the kernel has no ACPI, so it finds the CPUs in SeaBIOS's MP
	# table, which lists one CPU per package; a plain "-smp 2" (1 socket,
	# 2 cores) boots with 1 CPU.  TCG thread=single by default (the gate's
	# timings were tuned for it); TCG_THREAD=multi runs the concurrency
	# tests with real parallel vCPUs (scripts/gate.sh).  tsc=reliable: with 2 packages, a non-Intel CPU and no
	# invariant TSC the kernel calls the TSCs unsynchronized and falls back
	# to the jiffies clocksource (4ms steps), which breaks timing tests such
	# as xen_shinfo_test; TCG's TSCs are all the one host TSC.
	# transparent_hugepage=never: once in four runs on 7.3, the memslot
	# churn of gfn_ring_concurrent_test (logging toggled, memslots deleted
	# and moved while vCPUs run) hit the TDP MMU's WARN that a spurious
	# fault found a present SPTE of another pfn (tdp_mmu.c:1137).  The
	# only SPTEs made without a fault are huge pages recovered in place
	# when logging stops (6.13+), which need THP-backed memory: suspected,
	# not proven; see the closing note of 2026-12-07.  Not the cause, or
	# not alone: the same WARN came again with THP off, under thread=multi
	# (QEMU 7.2, memslot_churn.ring_64k_2_vcpus_eintr, second session of
	# 2026-12-07).  Kept until the WARN is understood.  A reading of 7.3
	# (not yet tried): a fault that began while its memslot was deleted
	# or moved away (no slot, KVM_PFN_NOSLOT) takes mmu_lock after the
	# slot is back and another vCPU mapped the page; is_page_fault_stale()
	# checks mmu_invalidate_seq only for faults with a slot, so it finds a
	# present SPTE of another pfn: upstream, and then unrelated to THP.
	# no5lvl: 4-level paging in this (L1) kernel.  -cpu max offers LA57,
	# and 7.3's KASAN, booted with 5-level paging, reported once a
	# wild-memory-access in an interrupt taken early in start_kernel()
	# (handle_edge_irq, a direct-map address at 0xff11...), before any
	# test ran.  The nested guests' paging is the selftests' own.
	# -d cpu_reset: QEMU logs the CPU state of every reset; with -no-reboot
	# a triple fault of this (L1) kernel ends QEMU without a word on the
	# console, and the log says where it happened.
	qemu=(qemu-system-x86_64 -accel "tcg,thread=$tcg_thread" -cpu max
		-smp 2,sockets=2,cores=1,threads=1 -m 4G
		-nographic -no-reboot -nic none -d cpu_reset -D "$out/qemu-reset.log"
		-kernel "$bzimage" -initrd "$BUILD/initramfs.cpio.gz"
		-append "console=ttyS0 panic=-1 printk.time=1 no5lvl transparent_hugepage=never tsc=reliable tsc_early_khz=$tsc_khz hugepages=$hugepages $detectors ${VM_APPEND:-}")
}

# arm64: QEMU's virt machine with EL2 (virtualization=on), so the kernel
# enters at EL2 and KVM runs there (VHE: -cpu max has it); GICv3, which the
# vgic tests want.  pauth-impdef=on: QEMU's own pointer authentication
# hash instead of the architected QARMA5, which QEMU's documentation calls
# slow to emulate (every kernel function signs and checks its return
# address).  PSCI's SYSTEM_RESET (reboot -f) ends QEMU under -no-reboot.
qemu_arm64() {
	command -v qemu-system-aarch64 >/dev/null ||
		die "qemu-system-aarch64 missing (ARCH=arm64 scripts/deps.sh)"
	qemu=(qemu-system-aarch64 -accel "tcg,thread=$tcg_thread"
		-M virt,virtualization=on,gic-version=3 -cpu "${VM_CPU:-max,pauth-impdef=on}"
		-smp 2 -m 4G -nographic -no-reboot -nic none
		-kernel "$bzimage" -initrd "$BUILD/initramfs$sfx.cpio.gz"
		-append "console=ttyAMA0 panic=-1 printk.time=1 hugepagesz=2M hugepages=$hugepages $detectors ${VM_APPEND:-}")
}

run_vm() {	# entries...; sets qemu_rc, elapsed
	[ -f "$bzimage" ] || die "no kernel: $bzimage missing (run scripts/kernel.sh first)"
	[ "$arch" = arm64 ] || command -v qemu-system-x86_64 >/dev/null ||
		die "qemu-system-x86_64 missing (scripts/deps.sh)"
	local qdir
	case "${QEMU:-system}" in
	system)	;;
	# its own option ROMs first, then the machine's data (SeaBIOS)
	backports) qdir=$(bash "$top/scripts/qemu.sh")
		PATH=$qdir/usr/bin:$PATH qemu_data=(-L "$qdir/usr/share/qemu" -L /usr/share/qemu) ;;
	*)	die "QEMU=$QEMU: system or backports" ;;
	esac
	# SELFTESTS_BUILT=1: build/selftests is up to date (scripts/test.sh,
	# while make check moves build/linux from patch to patch)
	[ "${SELFTESTS_BUILT:-0}" = 1 ] || bash "$top/scripts/selftests.sh"
	TEST_TIMEOUT=$test_timeout bash "$top/scripts/initramfs.sh" "$@"

	rm -rf "$out"
	mkdir -p "$out"
	local qemu
	if [ "$arch" = arm64 ]; then qemu_arm64; else qemu_x86; fi
	qemu+=("${qemu_data[@]}")
	echo "vm-test: $("${qemu[0]}" --version | head -n 1): ${qemu[*]}"
	echo "vm-test: $(wc -l < "$list") tests, ${test_timeout}s each, ${vm_timeout}s for the whole VM; console in ${log#"$top"/}"
	local t0 rcs
	t0=$(date +%s)
	set +e
	if [ "${VERBOSE:-0}" = 1 ]; then
		timeout -k 10 "$vm_timeout" "${qemu[@]}" </dev/null 2>&1 | tr -d '\r' | tee "$log"
		rcs=("${PIPESTATUS[@]}")
	else	# one progress line per finished test
		timeout -k 10 "$vm_timeout" "${qemu[@]}" </dev/null 2>&1 | tr -d '\r' | tee "$log" |
			sed -n -u 's/.*@@TEST \([^ ]*\) END rc=\([0-9]*\) secs=\([0-9.]*\).*/vm-test:   \1 rc=\2 \3s/p'
		rcs=("${PIPESTATUS[@]}")
	fi
	set -e
	qemu_rc=${rcs[0]}
	elapsed=$(( $(date +%s) - t0 ))
}

qemu_rc=0 elapsed='?' qemu_data=()
if [ "${REPARSE:-0}" = 1 ]; then
	[ -f "$log" ] && [ -f "$list" ] || die "REPARSE=1: no $log or $list to parse"
	[ -f "$out/qemu.rc" ] && qemu_rc=$(cat "$out/qemu.rc")
else
	entries=()
	if [ $# -gt 0 ]; then
		entries=("$@")
	elif [ -n "${TESTS:-}" ]; then
		if [[ "$TESTS" == *[$'\n;']* ]]; then
			mapfile -t entries < <(tr ';' '\n' <<<"$TESTS" | grep -v '^[[:space:]]*$' || true)
		else
			read -r -a entries <<<"$TESTS"
		fi
	else
		[ -f "$gate" ] || die "$gate missing"
		mapfile -t entries < <(read_list "$gate")
		if [ "${FULL:-0}" = 1 ] && [ -z "${GATE_LIST:-}" ] && [ -f "$top/tests/gate-slow$sfx.list" ]; then
			mapfile -t -O ${#entries[@]} entries < <(read_list "$top/tests/gate-slow$sfx.list")
		fi
	fi
	[ ${#entries[@]} -gt 0 ] || die "no tests to run"
	run_vm "${entries[@]}"
	echo "$qemu_rc" > "$out/qemu.rc"
fi
vm_timed_out=0
case "$qemu_rc" in
0) ;;
124|137) vm_timed_out=1; echo "vm-test: QEMU killed after VM_TIMEOUT=${vm_timeout}s" ;;
*) echo "vm-test: QEMU exited with status $qemu_rc; the end of ${log#"$top"/}:"
   tail -n 5 "$log" | sed 's/^/  /' ;;
esac
l1_triple_fault=0
if grep -aq '^Triple fault' "$out/qemu-reset.log" 2>/dev/null; then
	l1_triple_fault=1
	echo "vm-test: the guest kernel triple-faulted; its CPU state in ${out#"$top"/}/qemu-reset.log:"
	grep -a -A 8 '^Triple fault' "$out/qemu-reset.log" | head -n 12 | sed 's/^/  /'
fi

# ---- parse the console ----------------------------------------------------
# One pass: the markers, each test's output into logs/, and kernel splats,
# charged to the test that was running.  Only kernel lines are searched for
# splats (they carry a printk timestamp, printk.time=1), so a test printing
# "WARNING:" is not one.  Markers are matched anywhere in a line, as kernel
# output can land in front of them.
splat_re='WARNING:|BUG:|KASAN|memory leak detector disabled|possible recursive locking|lockdep|INFO: rcu|rcu_sched self-detected stall|Oops|Kernel panic|circular locking|general protection fault|soft lockup|hard LOCKUP|INFO: task .* blocked|UBSAN:|Call Trace:|Call trace:|Internal error:|Unable to handle kernel'
splat_ok='RCU lockdep checking is enabled'	# boot banner of CONFIG_PROVE_RCU
# SPLAT_OK=regex: more lines that are no splat here (scripts/kcsan.sh: KCSAN's
# reports, which it sorts itself)
splat_ok+=${SPLAT_OK:+|$SPLAT_OK}
rm -rf "$out/logs" "$out/markers"
mkdir -p "$out/logs"
awk -v re="$splat_re" -v ok="$splat_ok" -v out="$out" '
	function mark(s) { print s > (out "/markers") }
	/@@TEST [^ ]+ START/ {
		match($0, /@@TEST [^ ]+ START/); cur = substr($0, RSTART + 7, RLENGTH - 13)
		f = cur; gsub("/", "_", f); logf = out "/logs/" f ".log"
		printf "" > logf
		mark("START\t" cur)
		next
	}
	/@@TEST [^ ]+ TIMEOUT/ {
		match($0, /@@TEST [^ ]+ TIMEOUT/); mark("TIMEOUT\t" substr($0, RSTART + 7, RLENGTH - 15))
		next
	}
	/@@TEST [^ ]+ END rc=[0-9]+ secs=[0-9.]+/ {
		match($0, /@@TEST [^ ]+ END rc=[0-9]+ secs=[0-9.]+/)
		split(substr($0, RSTART + 7, RLENGTH - 7), g, " ")
		sub("rc=", "", g[3]); sub("secs=", "", g[4])
		mark("END\t" g[1] "\t" g[3] "\t" g[4])
		if (cur != "") close(logf)
		cur = ""
		next
	}
	/@@KMEMLEAK START/ { leak = out "/kmemleak.txt"; printf "" > leak; mark("KMEMLEAK"); next }
	/@@KMEMLEAK END/ { close(leak); leak = ""; next }
	leak != "" { print > leak; next }
	/@@DONE/ { mark("DONE"); next }
	/@@INFO kvm no/ { mark("NOKVM") }
	/@@INFO kernel .* cpus [0-9]+/ {
		match($0, /cpus [0-9]+/); n = substr($0, RSTART + 5, RLENGTH - 5)
		if (n != 2) mark("CPUS\t" n)
	}
	{
		if (cur != "") print > logf
		if ($0 ~ /\[ *[0-9]+\.[0-9]+\] / && $0 ~ re && $0 !~ ok)
			mark("SPLAT\t" (cur == "" ? "(kernel)" : cur) "\t" $0)
	}
' "$log"
touch "$out/markers"

declare -A status=() secs=() rc=() note=() splat=() reason=()
done_marker=0 kmemleak=0
while IFS=$'\t' read -r kind a b c; do
	case "$kind" in
	START) status[$a]=RUNNING ;;
	TIMEOUT) status[$a]=TIMEOUT ;;
	END)
		rc[$a]=$b secs[$a]=$c
		if [ "${status[$a]:-}" = TIMEOUT ]; then note[$a]="killed after TEST_TIMEOUT"
		elif [ "$b" = 0 ]; then status[$a]=PASS
		elif [ "$b" = 4 ]; then status[$a]=SKIP
		else status[$a]=FAIL note[$a]="exit $b"
		fi ;;
	SPLAT) splat[$a]=1 ;;
	DONE) done_marker=1 ;;
	KMEMLEAK) kmemleak=1 ;;
	CPUS) echo "vm-test: warning: the guest has $a CPUs, not 2" ;;
	esac
done < "$out/markers"

# a must-run test that skipped anything fails
declare -A must=()
if [ -f "$must_run" ]; then
	while read -r m; do must[$m]=1; done < <(read_list "$must_run")
fi
skip_re='# SKIP|skip:[1-9]|: skipped|^SKIP'
while IFS=$'\t' read -r n _; do
	[ -n "${must[${n%%\[*}]:-}" ] || continue
	f=$out/logs/${n//\//_}.log
	case "${status[$n]:-}" in
	PASS|SKIP)
		if [ "${status[$n]}" = SKIP ] || grep -aEq "$skip_re" "$f" 2>/dev/null; then
			status[$n]=FAIL
			note[$n]="skipped (in part), but must run (tests/must-run.list): $(grep -aE -m1 "$skip_re" "$f" 2>/dev/null | cut -c1-80)"
		fi ;;
	esac
done < "$list"

known_names=()
if [ -f "$known" ]; then
	while read -r k r; do
		known_names+=("$k")
		reason[$k]=${r#\# }
	done < <(grep -v '^[[:space:]]*#' "$known" | grep -v '^[[:space:]]*$' |
		sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*#[[:space:]]*/ # /')
fi

names=()
while IFS=$'\t' read -r n _; do names+=("$n"); done < "$list"
extra=()
if [ -n "${splat["(kernel)"]:-}" ]; then
	extra+=("(kernel)") status["(kernel)"]=FAIL note["(kernel)"]="kernel splat outside any test"
fi
if [ "$done_marker" = 0 ]; then
	extra+=("(guest)") status["(guest)"]=FAIL note["(guest)"]="no @@DONE marker: the guest did not finish"
	[ "$vm_timed_out" = 0 ] || note["(guest)"]+=" (VM_TIMEOUT=${vm_timeout}s)"
	[ "$l1_triple_fault" = 0 ] || note["(guest)"]+=" (its kernel triple-faulted: qemu-reset.log)"
elif grep -q '^NOKVM$' "$out/markers"; then
	extra+=("(guest)") status["(guest)"]=FAIL note["(guest)"]="no /dev/kvm in the guest"
fi

# kmemleak's report after the last test (gate kernel): a leaked object
# allocated by KVM fails the run; others (boot, the rest of the kernel)
# are counted and kept in kmemleak.txt
if [ "$kmemleak" = 1 ]; then
	read -r leaks kvm_leaks < <(awk '
		/unreferenced object/ { n++; if (k) kn++; k = 0; next }
		/kvm|gfn_ring/ { k = 1 }
		END { if (n && k) kn++; print n + 0, kn + 0 }' "$out/kmemleak.txt")
	if [ "$kvm_leaks" -gt 0 ]; then
		extra+=("(kmemleak)") status["(kmemleak)"]=FAIL
		note["(kmemleak)"]="$kvm_leaks of $leaks leaked objects allocated in KVM (${out#"$top"/}/kmemleak.txt)"
	fi
	echo "vm-test: kmemleak: $leaks unreferenced objects, $kvm_leaks allocated in KVM"
fi

pass=0 fail=0 skip=0
w=4
for n in "${names[@]}" "${extra[@]}"; do [ ${#n} -le $w ] || w=${#n}; done
printf '%-*s  %-7s  %7s  %s\n' "$w" test status seconds note
printf 'test\tstatus\tsecs\trc\tnote\n' > "$out/results.tsv"
for n in "${names[@]}" "${extra[@]}"; do
	st=${status[$n]:-MISSING}
	nt=${note[$n]:-}
	case "$st" in
	RUNNING)
		if [ "$vm_timed_out" = 1 ]; then st=TIMEOUT nt="VM_TIMEOUT hit while it ran"
		else st=FAIL nt="no END marker: the guest died while it ran"
		fi ;;
	MISSING) nt="never started" ;;
	esac
	if [ -n "${splat[$n]:-}" ] && [ "$n" != "(kernel)" ]; then
		case "$st" in PASS|SKIP) st=FAIL ;; esac
		nt="kernel splat${nt:+; $nt}"
	fi
	case "$st" in
	PASS) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	*)
		fail=$((fail + 1))
		prog=${n%%\[*}
		if [ -n "${reason[$prog]:-}" ]; then nt="${nt:+$nt; }known failure, not gated (${known#"$top"/})"; fi ;;
	esac
	printf '%-*s  %-7s  %7s  %s\n' "$w" "$n" "$st" "${secs[$n]:--}" "$nt"
	printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$st" "${secs[$n]:--}" "${rc[$n]:--}" "$nt" >> "$out/results.tsv"
done

kernel=$(grep -a -m1 -o '@@INFO kernel [^ ]*' "$log" | cut -d' ' -f3 || true)
echo "vm-test: ${elapsed}s in QEMU, kernel ${kernel:-?}, full console in ${log#"$top"/}"
if [ ${#splat[@]} -gt 0 ]; then
	echo "vm-test: KERNEL SPLAT in the guest log:"
	grep '^SPLAT' "$out/markers" | cut -f2- | sed 's/\t/: /' | head -20 | sed 's/^/  /'
	n=$(grep -c '^SPLAT' "$out/markers")
	[ "$n" -le 20 ] || echo "  ... $((n - 20)) more lines"
fi
for k in "${known_names[@]}"; do
	echo "not gated: $k (${reason[$k]:-no reason given})"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
