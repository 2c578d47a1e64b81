#!/usr/bin/env bash
# Summarize what the gate's hardening runs tried and found, from the
# results of scripts/gate.sh (build/vm-test, build/vm-test-mttcg): the
# fuzzer's seeds and operations, the memslot churn, kernel reports
# (splats) and kmemleak's count.  Writes build/hardening.md and prints it;
# docs/testing.md's table is a copy of one such run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$BUILD/hardening.md
{
	echo "| gate half | test | what it did | splats | leaks (KVM) | result |"
	echo "|-----------|------|-------------|--------|-------------|--------|"
	for d in vm-test vm-test-mttcg; do
		dir=$BUILD/$d
		[ -f "$dir/results.tsv" ] || continue
		half=thread=single
		[ "$d" = vm-test ] || half=thread=multi
		leaks=-
		if [ -f "$dir/kmemleak.txt" ]; then
			leaks=$(awk '/unreferenced object/ { n++; if (k) kn++; k = 0; next }
				/kvm|gfn_ring/ { k = 1 }
				END { if (n && k) kn++; printf "%d (%d)", n, kn }' "$dir/kmemleak.txt")
		fi
		splats=$(awk -F'\t' 'NR > 1 && $5 ~ /kernel splat/' "$dir/results.tsv" | wc -l)
		for log in "$dir"/logs/x86_gfn_ring_fuzz_test*.log \
			   "$dir"/logs/x86_gfn_ring_concurrent_test*.log; do
			[ -f "$log" ] || continue
			name=$(basename "$log" .log)
			what=$(awk '
				/^seed [0-9]+: [0-9]+ operations in [0-9]+ rounds/ {
					f = f (f ? ", " : "") "seed " $2 " " $3 " operations, " $6 " rounds" }
				/^# [0-9]+ churn operations/ { co += $2; cr += $(NF - 1); cv++ }
				/^# [0-9]+ entries \([0-9]+ stale\)/ { ce += $2 }
				/^# [0-9]+ rounds, [0-9]+ entries/ { lr += $2; le += $4; lv++ }
				END {
					if (f) print f
					if (lv) printf "live migration: %d variants, %d rounds, %d entries\n", lv, lr, le
					if (cv) printf "memslot churn: %d variants, %d memslot changes, %d rounds, %d entries\n", cv, co, cr, ce
				}' "$log" | paste -sd ';' | sed 's/;/; /g')
			st=$(awk -F'\t' -v n="${name/x86_/x86/}" 'NR > 1 && index($1, n) == 1 { print $2; exit }' "$dir/results.tsv")
			echo "| $half | ${name#x86_} | ${what:-see its log} | $splats in the run | $leaks | ${st:-?} |"
		done
	done
} > "$out"
cat "$out"
