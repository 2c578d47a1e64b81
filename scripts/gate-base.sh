#!/usr/bin/env bash
# Back tests/tcg-known-failures.list with a run on the unpatched base: build
# the base tree (tag "base" of build/linux, without the series) with the
# gate kernel's config into build/base/, boot it and run every listed test
# there.  Each must fail (or time out) on the base as well; one that passes
# there is not a TCG or config limitation and belongs in the gate.  Results
# in build/base/vm-test; a closing line "gate-base: ...".
#   SURVEY=1  instead, run every upstream x86 KVM selftest of the base that
#             no list of tests/ names (gate, gate-mttcg, known failures)
#             and print each one's result there: what a new base brings,
#             to sort into tests/gate.list or tests/tcg-known-failures.list.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$top/scripts/deps.sh"
bash "$top/scripts/tree.sh"

base=$BUILD/base
known=$top/tests/tcg-known-failures.list
git -C "$LINUX" worktree prune
if ! git -C "$base/linux" rev-parse --git-dir >/dev/null 2>&1; then
	rm -rf "$base/linux"
	mkdir -p "$base"
	git -C "$LINUX" worktree add -q --detach "$base/linux" base
fi
git -C "$base/linux" checkout -q --detach base
git -C "$base/linux" diff --quiet base || die "$base/linux has local changes"

listed() {	# the test programs that the lists of tests/ name
	sed -e 's/[[:space:]]*#.*//' -e '/^[[:space:]]*$/d' "$@" | awk '{ print $1 }' | sort -u
}
if [ "${SURVEY:-0}" = 1 ]; then
	mapfile -t entries < <(comm -23 \
		<(sed -nE 's/^TEST_GEN_PROGS_(COMMON|x86)[[:space:]]*\+?=[[:space:]]*([a-z0-9_\/-]+)$/\2/p' \
			"$base/linux/tools/testing/selftests/kvm/Makefile.kvm" | sort -u) \
		<(listed "$known" "$top/tests/gate.list" "$top/tests/gate-slow.list" "$top/tests/gate-mttcg.list"))
else
	mapfile -t entries < <(listed "$known")
fi
[ ${#entries[@]} -gt 0 ] || die "no tests to run"

# the same scripts, with everything under build/base: kernel (build/base/kout),
# selftests, initramfs and results
export BUILD=$base
bash "$top/scripts/kernel.sh"
# two tests of the list run into the 300 s per-test timeout: more time for
# the whole VM than vm-test.sh's default
VM_TIMEOUT=${VM_TIMEOUT:-2700} VM_TEST_OUT=$base/vm-test \
	bash "$top/scripts/vm-test.sh" "${entries[@]}" || true
res=$base/vm-test/results.tsv
[ -f "$res" ] || die "no $res: the base VM did not run"

if [ "${SURVEY:-0}" = 1 ]; then
	awk -F'\t' 'NR > 1 { printf "gate-base: survey: %-45s %s %s %s\n", $1, $2, $3, $5 }' "$res"
	echo "gate-base: survey of ${#entries[@]} unlisted tests on the base, results in ${res#$top/}"
	exit 0
fi
bad=0
for e in "${entries[@]}"; do
	st=$(awk -F'\t' -v n="$e" '$1 == n { print $2 }' "$res")
	case "$st" in
	FAIL|TIMEOUT) echo "gate-base: $e: $st on the base too" ;;
	PASS) if grep -qE "^$e[[:space:]]+# flaky" "$known"; then
		echo "gate-base: $e: PASS on the base this time (listed as flaky)"
	      else echo "gate-base: $e: PASS on the base: not a known failure"; bad=1; fi ;;
	*) echo "gate-base: $e: ${st:-not run} on the base: not a known failure"; bad=1 ;;
	esac
done
[ "$bad" = 0 ] || die "FAILED: tests/tcg-known-failures.list lists tests that do not fail on the base"
echo "gate-base: all ${#entries[@]} known failures fail on the unpatched base as well"
