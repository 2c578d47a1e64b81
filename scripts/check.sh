#!/usr/bin/env bash
# Check the series: it applies with quilt and with git am, checkpatch
# --strict is clean on every patch, and every patch builds: arch/x86/kvm/
# (which includes virt/kvm/) with KVM_WERROR=y, with KVM built in (gate
# kernel config) and as modules (production config), after each patch in
# turn.
#
# checkpatch is run with --ignore FILE_PATH_CHANGES ("added file(s), does
# MAINTAINERS need updating?"); instead this script answers that question:
# every file a patch adds must already be covered by the KVM entry of
# MAINTAINERS, according to scripts/get_maintainer.pl.
#   SKIP_BUILD=1   only apply and checkpatch (quick)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$top/scripts/deps.sh"
bash "$top/scripts/tree.sh"
git -C "$LINUX" diff --quiet HEAD || die "build/linux has uncommitted changes: commit and export them first"

mapfile -t patches < <(grep -vE '^[[:space:]]*(#|$)' "$top/series" | awk '{print $1}')
fail=0

# 1. quilt: the series applies to the pristine base with patch -p1.
qdir=$BUILD/check-quilt
rm -rf "$qdir"
git -C "$LINUX" worktree prune
git -C "$LINUX" worktree add -q --detach "$qdir" base
if (cd "$qdir" && QUILT_PATCHES="$top/patches" QUILT_SERIES="$top/series" \
	quilt push -a -q >"$BUILD/check-quilt.log" 2>&1); then
	echo "check: quilt push -a: ${#patches[@]} patches apply to base"
else
	echo "check: FAIL quilt push -a (see build/check-quilt.log)"; fail=1
fi
# ... and gives the same tree as git am.
if [ "$fail" = 0 ]; then
	git -C "$qdir" add -A
	if ! git -C "$qdir" diff --cached --quiet "$(git -C "$LINUX" rev-parse HEAD)"; then
		echo "check: FAIL quilt and git am give different trees"; fail=1
	fi
fi
git -C "$LINUX" worktree remove --force "$qdir"

# 2. checkpatch --strict, and MAINTAINERS coverage of added files.
cp_pl=$LINUX/scripts/checkpatch.pl
for p in "${patches[@]}"; do
	# Debian's python3 has the modules spdxcheck.py needs (deps.sh).
	out=$(cd "$LINUX" && PATH=/usr/bin:$PATH "$cp_pl" --strict --terse --no-summary \
		--ignore FILE_PATH_CHANGES "$top/patches/$p" 2>&1) || true
	if [ -n "$out" ]; then
		echo "check: FAIL checkpatch $p"; echo "$out" | sed 's/^/    /'; fail=1
	fi
done
for f in $(git -C "$LINUX" log --format= --diff-filter=A --name-only base..HEAD | sort -u); do
	if ! (cd "$LINUX" && ./scripts/get_maintainer.pl --nogit --nogit-fallback --no-rolestats \
		-f "$f" 2>/dev/null) | grep -q 'kvm@vger.kernel.org'; then
		echo "check: FAIL $f is not covered by the KVM entry of MAINTAINERS"; fail=1
	fi
done
[ "$fail" = 0 ] && echo "check: checkpatch --strict clean on ${#patches[@]} patches; added files covered by MAINTAINERS"

# 3. every patch builds, KVM built in and as modules.
if [ "${SKIP_BUILD:-0}" != 1 ]; then
	head=$(git -C "$LINUX" rev-parse HEAD)
	branch=$(git -C "$LINUX" symbolic-ref -q --short HEAD || true)
	restore() { git -C "$LINUX" checkout -q "${branch:-$head}"; }
	trap restore EXIT
	n=0
	for c in $(git -C "$LINUX" rev-list --reverse base..HEAD); do
		n=$((n + 1))
		subj=$(git -C "$LINUX" log -1 --format=%s "$c")
		if ! git -C "$LINUX" diff --name-only "$c^" "$c" | grep -qvE '^(Documentation|tools)/'; then
			echo "check: patch $n builds: nothing to build (docs/selftests only)"
			continue
		fi
		git -C "$LINUX" checkout -q --detach "$c"
		for mode in y m; do
			# built in: the gate kernel's config (its objects are reused
			# by make kernel); modules: the production config, so that
			# both configs are build-tested
			if [ "$mode" = y ]; then o=$KOUT; mod=0 prof=gate
			else o=$BUILD/kout-modules; mod=1 prof=bench; fi
			t0=$(date +%s)
			if PROFILE=$prof O=$o MODULES=$mod TARGETS="arch/x86/kvm/" bash "$top/scripts/kernel.sh" \
				>"$BUILD/check-build.log" 2>&1; then
				echo "check: patch $n builds, KVM=$mode ($(( $(date +%s) - t0 ))s): $subj"
			else
				echo "check: FAIL patch $n does not build with KVM=$mode: $subj"
				tail -30 "$BUILD/check-build.log" | sed 's/^/    /'
				fail=1
			fi
		done
	done
fi

[ "$fail" = 0 ] || die "FAILED"
echo "check: OK"
