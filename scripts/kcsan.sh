#!/usr/bin/env bash
# make kcsan: the KCSAN kernel (config/kcsan.config, build/kout-kcsan) runs
# tests/kcsan.list under TCG thread=multi (build/vm-test-kcsan).  Fails if
# a test fails or if a data race report names a function whose body the
# series adds or changes (scripts/series-functions.py), or one that such a
# function is inlined into, as a racing function, unless
# tests/kcsan-upstream.list says why it is upstream's.  Reports elsewhere are
# listed, not failed on: they are upstream's.  All reports go to
# build/vm-test-kcsan/kcsan.txt.  Arguments: tests to run instead of the
# list, as for scripts/vm-test.sh.  build/linux as it is (make kcsan makes
# the tree first).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$BUILD/vm-test-kcsan
# REPARSE=1: no build, no boot; sort build/vm-test-kcsan/console.log again
[ "${REPARSE:-0}" = 1 ] || PROFILE=kcsan bash "$top/scripts/kernel.sh"
export TCG_THREAD=multi BZIMAGE=$BUILD/kout-kcsan/arch/x86/boot/bzImage SPLAT_OK='BUG: KCSAN: '
# KCSAN samples: one access in kcsan.skip_watch (4000 by default) gets a
# watchpoint.  At 1000, four times as many, the run takes about twice as
# long; at 100 (and kcsan.udelay_task=200) it found a plain store of the
# per-VM ring's produce index, made on purpose, against
# kvm_gfn_ring_check_request() within one test, but four times slower,
# past the per-test timeout.  KCSAN_APPEND replaces these.
export VM_APPEND="${VM_APPEND:-} ${KCSAN_APPEND-kcsan.skip_watch=1000}"
rc=0
[ "${REPARSE:-0}" = 1 ] || rm -f "$out/console-reruns.log"
GATE_LIST=$top/tests/kcsan.list VM_TEST_OUT=$out bash "$top/scripts/vm-test.sh" "$@" || rc=1
# a test whose every failure is TCG's nested triple fault runs again, as in
# the gate (scripts/lib.sh); the rows decide
if [ "${REPARSE:-0}" != 1 ] && rerun_tcg_shutdowns "$out"; then
	rc=0
	awk -F'\t' 'NR > 1 && $2 != "PASS" { bad = 1 } END { exit bad }' "$out/results.tsv" || rc=1
fi

funcs=$out/series-functions.txt
python3 "$top/scripts/series-functions.py" "$LINUX" base HEAD "$BUILD/kout-kcsan/System.map" > "$funcs"
[ -s "$funcs" ] || die "no function of the series found (scripts/series-functions.py)"
# The reports, each from "BUG: KCSAN:" to its closing line of "=", without
# timestamps; in kcsan.txt one blank line apart, here NUL-separated: the
# racing functions (the title, and the first frame of each access).  A
# report of tests/kcsan-upstream.list was read and is upstream's.
awk '/BUG: KCSAN: /	{ r = 1; sub(/.*BUG: KCSAN: /, "BUG: KCSAN: ") }
	r && /^\[ *[0-9.]+\] =+$/ { r = 0; print ""; next }
	r		{ sub(/^\[ *[0-9.]+\] /, ""); if ($0 !~ /^[[:space:]]*$/) print }' \
	"$out/console.log" $([ ! -f "$out/console-reruns.log" ] || echo "$out/console-reruns.log") > "$out/kcsan.txt"
total=0 ours=0
reviewed=$top/tests/kcsan-upstream.list
while IFS= read -r -d '' rep; do
	total=$((total + 1))
	title=$(head -n 1 <<<"$rep")
	frames=$(awk '/ (to|at) 0x[0-9a-f]+ of [0-9]+ bytes by / { n = 1; next }
		n > 0 && /^ *[A-Za-z_][A-Za-z0-9_.]*\+0x/ { sub(/^ */, ""); sub(/\+.*/, ""); print; n-- }' <<<"$rep")
	hit=$(printf '%s\n' "${title#*data-race in }" "$frames" | tr ' /' '\n\n' |
		sed 's/+.*//; s/\..*//' | grep -xFf "$funcs" | sort -u | tr '\n' ' ' || true)
	why=$(awk -F'\t+' -v t="${title#*data-race in }" '$1 == t { sub(/^# */, "", $2); print $2 }' "$reviewed")
	if [ -n "$hit" ] && [ -n "$why" ]; then
		echo "kcsan: upstream's (tests/kcsan-upstream.list): $title"
	elif [ -n "$hit" ]; then
		ours=$((ours + 1))
		echo "kcsan: FAIL in the series' code (${hit% }): $title"
		sed 's/^/    /' <<<"$rep" | head -n 40
	else
		echo "kcsan: elsewhere: $title"
	fi
done < <(awk -v RS= -v ORS='\0' '1' "$out/kcsan.txt")
echo "kcsan: $total data race reports, $ours in the series' code (${out#"$top"/}/kcsan.txt)"
[ "$ours" = 0 ] || rc=1
exit "$rc"
