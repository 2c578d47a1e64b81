#!/usr/bin/env bash
# The gate that `make test` runs, in two VM boots:
#   tests/gate.list        TCG thread=single (scripts/vm-test.sh)
#   tests/gate-mttcg.list  TCG thread=multi: one host thread per guest CPU,
#                          so the concurrency tests run vCPUs, harvester and
#                          resets really in parallel
# Results in build/vm-test and build/vm-test-mttcg; one closing line for
# both, "gate: N passed, N failed, N skipped"; exit 0 iff nothing failed.
#   GATE_HALF=single  only the first half (scripts/test.sh runs make check
#                     beside it: QEMU's one TCG thread leaves a core free)
#   GATE_HALF=multi   only the second half, then the closing line for both
set -euo pipefail
. "$(dirname "$0")/lib.sh"

half=${GATE_HALF:-all}
case "$half" in all|single|multi) ;; *) die "GATE_HALF=$half: all, single or multi" ;; esac
rc=0 mt_rc=0
mt=$BUILD/vm-test-mttcg
if [ "$half" != multi ]; then
	rm -rf "$BUILD/vm-test"
	bash "$top/scripts/vm-test.sh" || rc=1
	[ "$half" != single ] || exit "$rc"
fi
rm -rf "$mt" "$mt-rerun"
TCG_THREAD=multi GATE_LIST=$top/tests/gate-mttcg.list VM_TEST_OUT=$mt \
	bash "$top/scripts/vm-test.sh" || mt_rc=1
# the tests whose every failure is TCG's nested triple fault, again
# (scripts/lib.sh); their rerun's rows count
if TCG_THREAD=multi rerun_tcg_shutdowns "$mt"; then mt_rc=0; fi
[ "$mt_rc" = 0 ] || rc=1

pass=0 fail=0 skip=0
for r in "$BUILD/vm-test/results.tsv" "$mt/results.tsv"; do
	[ -f "$r" ] || { echo "gate: $r missing" >&2; fail=$((fail + 1)); continue; }
	read -r p f s < <(awk -F'\t' 'NR > 1 { if ($2 == "PASS") p++; else if ($2 == "SKIP") s++; else f++ }
		END { print p + 0, f + 0, s + 0 }' "$r")
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
[ "$fail" -eq 0 ] || rc=1
echo "gate: what the hardening tests tried (build/hardening.md):"
bash "$top/scripts/hardening.sh" || echo "gate: scripts/hardening.sh failed" >&2
echo "gate: $pass passed, $fail failed, $skip skipped"
exit "$rc"
