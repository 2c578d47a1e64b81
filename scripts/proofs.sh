#!/usr/bin/env bash
# The ordering and protocol proofs of proofs/ (proofs/README.md):
#  - every litmus test in proofs/litmus/ with herd7 and the Linux kernel
#    memory model (LKMM), which must give the result that its
#    "Result: Never|Sometimes" line states (a "-mut-" file, a mutation,
#    must give Sometimes), a test that should be Never without a data race;
#  - the Promela model proofs/spin/gfn_ring.pml with Spin, exhaustively:
#    both configurations must pass, every mutation and coverage probe must
#    fail with the violation that it is meant to cause.
# One line per check, then "N passed, M failed"; fails if M > 0.
#
# herd7 is Debian sid's herdtools7, with sid's glibc and libgmp beside it,
# fetched once into build/herd through the private apt configuration of
# scripts/lib.sh (papt: build/apt; the machine's apt sources are not touched).  The LKMM
# is tools/memory-model of build/linux (make tree; LINUX=dir for another
# tree), or LKMM_DIR.  Spin and gcc are installed with apt-get if missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

proofs=$top/proofs
herd_dir=$BUILD/herd
work=$BUILD/proofs-spin
lkmm=${LKMM_DIR:-$LINUX/tools/memory-model}
# pan's memory bound (MB): a configuration that outgrows it fails, rather
# than swap the machine
MEMLIM=${MEMLIM:-3000}

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

fetch_herd() {
	local tmp deb dl=$BUILD/apt/dl-herd
	echo "proofs: fetching herd7 (Debian sid herdtools7, libc6, libgmp10) into $herd_dir"
	papt_update sid
	rm -rf "$dl"
	mkdir -p "$dl"
	(cd "$dl" && papt_get download herdtools7/sid libc6/sid libgmp10/sid) ||
		die "apt-get download herdtools7 libc6 libgmp10 from sid failed"
	tmp=$(mktemp -d "$BUILD/herd.XXXXXX")
	for deb in "$dl"/*.deb; do
		dpkg -x "$deb" "$tmp"
	done
	rm -rf "$herd_dir" "$dl"
	mv "$tmp" "$herd_dir"
}

herd7() {
	"$herd_dir/usr/lib64/ld-linux-x86-64.so.2" \
		--library-path "$herd_dir/usr/lib/x86_64-linux-gnu" \
		"$herd_dir/usr/bin/herd7" -set-libdir "$herd_dir/usr/share/herdtools7/herd" "$@"
}

[ -f "$lkmm/linux-kernel.cfg" ] ||
	die "no Linux kernel memory model at $lkmm: run make tree (build/linux), or set LKMM_DIR to a kernel's tools/memory-model"
[ -x "$herd_dir/usr/bin/herd7" ] || fetch_herd
herd7 -version >/dev/null 2>&1 || die "herd7 in $herd_dir does not run (rm -rf $herd_dir to fetch it again)"
if ! command -v spin >/dev/null || ! command -v gcc >/dev/null; then
	echo "proofs: apt-get install spin gcc"
	$SUDO apt-get install -y spin gcc >/dev/null || die "apt-get install -y spin gcc failed"
fi

start=$SECONDS
passed=0
failed=0
check() {	# check OK|FAIL line
	if [ "$1" = OK ]; then
		passed=$((passed + 1))
		echo "ok    $2"
	else
		failed=$((failed + 1))
		echo "FAIL  $2"
	fi
}

# litmus tests ---------------------------------------------------------------

for f in "$proofs"/litmus/*.litmus; do
	name=$(basename "$f" .litmus)
	want=$(sed -n 's/^ \* Result: *\([A-Za-z]*\).*/\1/p' "$f" | head -n 1)
	bug=$(sed -n 's/^ \* Bug: *//p' "$f" | head -n 1)
	case "$name" in
	*-mut-*)
		if [ "$want" != Sometimes ]; then
			check FAIL "litmus $name: a mutation must state Result: Sometimes, not '${want:-nothing}'"
			continue
		fi ;;
	*)
		case "$want" in
		Never|Sometimes|Always) ;;
		*)	check FAIL "litmus $name: no '(* Result: Never|Sometimes|Always *)' line"
			continue ;;
		esac ;;
	esac
	if ! out=$(cd "$lkmm" && herd7 -conf linux-kernel.cfg "$f" 2>&1); then
		check FAIL "litmus $name: herd7 failed: $(echo "$out" | tail -n 1)"
		continue
	fi
	got=$(echo "$out" | awk '$1 == "Observation" { print $3 }')
	race=
	echo "$out" | grep -q '^Flag data-race' && race=" (data race)"
	note=
	[ -z "$bug" ] || note="; documents a bug: $bug"
	if [ -z "$got" ]; then
		check FAIL "litmus $name: no result from herd7: $(echo "$out" | tail -n 1)"
	elif [ "$got" != "$want" ]; then
		check FAIL "litmus $name: $got$race, expected $want$note"
	elif [ -n "$race" ] && [ "${name#*-mut-}" = "$name" ]; then
		check FAIL "litmus $name: $got but with a data race, expected none"
	else
		check OK "litmus $name: $got$race, expected $want$note"
	fi
done

# Spin ------------------------------------------------------------------------

mkdir -p "$work"
# spin_check NAME "DEFINES" pass|fail PATTERN "GCC-FLAGS" WHAT
#   pass: the exhaustive search completes without a violation
#   fail: pan reports a violation whose message matches PATTERN
spin_check() {
	local name=$1 defs=$2 want=$3 pattern=$4 opt=$5 what=$6 out msg states
	rm -f "$work"/pan "$work"/pan.*
	# shellcheck disable=SC2086
	if ! out=$(cd "$work" && spin -a $defs "$proofs/spin/gfn_ring.pml" 2>&1); then
		check FAIL "spin $name: spin -a $defs: $(echo "$out" | tail -n 1)"
		return
	fi
	# shellcheck disable=SC2086
	if ! out=$(cd "$work" && gcc $opt -DSAFETY -DCOLLAPSE -DMEMLIM="$MEMLIM" -w -o pan pan.c 2>&1); then
		check FAIL "spin $name: gcc pan.c: $(echo "$out" | tail -n 1)"
		return
	fi
	out=$(cd "$work" && ./pan -m2000000 2>&1) || true
	msg=$(echo "$out" | grep -m 1 -E '^pan:1: ' | sed 's/^pan:1: //; s/ (at depth [0-9]*)//') || true
	states=$(echo "$out" | awk '/states, stored/ { print $1; exit }')
	if [ "$want" = pass ]; then
		if echo "$out" | grep -q 'errors: 0' &&
		   ! echo "$out" | grep -qE 'Search not completed|max search depth too small'; then
			check OK "spin $name: no violation in $states states ($what)"
		else
			check FAIL "spin $name: ${msg:-search not completed}, expected no violation ($what)"
		fi
	elif [ -n "$msg" ] && echo "$msg" | grep -qE "$pattern"; then
		check OK "spin $name: $msg, as expected ($what)"
	else
		check FAIL "spin $name: ${msg:-no violation}, expected a violation matching /$pattern/ ($what)"
	fi
}

loss='written\[i\]'
twice='seen\['
einval='ufetch\['
reached='^assertion violated +!\(\(?1'
spin_check model-ovf "-DCFG_OVF" pass "" -O2 "per-VM ring overflow and recovery"
spin_check model-mem "-DCFG_MEM" pass "" -O2 "logging toggled with entries pending"
spin_check reach-spill "-DCFG_OVF -DPROBE_SPILL=1" fail "$reached" -O0 "a full vCPU ring spills into the per-VM ring"
spin_check reach-overflow "-DCFG_OVF -DPROBE_OVERFLOW=1" fail "$reached" -O0 "the per-VM ring overflows"
spin_check reach-refull "-DCFG_OVF -DPROBE_REFULL=1" fail "$reached" -O0 "a recovery fills the per-VM ring again"
spin_check reach-pending "-DCFG_MEM -DPROBE_PENDING=1" fail "$reached" -O0 "EINTR leaves batch entries pending"
spin_check reach-stale "-DCFG_MEM -DPROBE_STALE=1" fail "$reached" "-O0 -DBFS" "a ring entry is made stale"
spin_check reach-stale-batch "-DCFG_MEM -DPROBE_STALE_BATCH=1" fail "$reached" "-O0 -DBFS" "a pending batch entry is made stale"
spin_check mut-drop-ovf "-DCFG_OVF -DDROP_OVF" fail "$loss" -O0 "no overflow bit: a lost write"
spin_check mut-wp-first "-DCFG_OVF -DWP_FIRST" fail "$loss" -O0 "re-arm before clearing the bit: a lost write"
spin_check mut-scan-first "-DCFG_OVF -DSCAN_FIRST" fail "$loss" -O0 "flag cleared after the scan: a lost write"
spin_check mut-old-order "-DCFG_OVF -DOLD_ORDER" fail "$einval" -O0 "hdr->produce first: EINVAL for a correct VMM"
spin_check mut-old-order-clamp "-DCFG_OVF -DOLD_ORDER -DCLAMP" fail "$loss" -O0 "old order with the old clamping: a lost write"
spin_check mut-nostale "-DCFG_MEM -DNOSTALE" fail "$twice" -O0 "no stale marking: a page reported twice"

echo "proofs: $((SECONDS - start)) s (herd7 with $lkmm)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
