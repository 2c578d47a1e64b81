#!/usr/bin/env bash
# Check the series, patch by patch:
#  1. it applies with quilt and with git am, to the same tree;
#  2. checkpatch --strict --codespell is clean, with its SPDX and spelling
#     checks proven to run (a canary patch must trip both); the changelogs
#     follow the KVM rules (scripts/lint-changelog.py);
#  3. every patch builds, for x86 and for arm64: arch/x86/kvm/ and
#     arch/arm64/kvm/ (which include virt/kvm/) with KVM_WERROR=y, KVM
#     built in (production config; make kernel builds the gate config at
#     the top); a patch that changes only one architecture's files skips
#     the other's build, whose inputs it does not change.  x86 KVM as
#     modules at the top of each series (CHECK_MODULES=every: after every
#     patch, as before arm64 took its time); a patch that changes the
#     uapi installs its headers and compiles <linux/kvm.h> as C90, C11 and
#     C++; a patch that changes the KVM selftests builds them (x86);
#  4. series/ holds several series ("#group" lines): one that is moved
#     onto the base alone to be sent (the dirty quota) applies there and
#     builds at its top, KVM built in and as modules, uapi and selftests;
#  5. the mails of make send (dry run) of every series apply with git am
#     onto the base (or onto the series they need) and give the same
#     tree.
#
# checkpatch is run with --ignore FILE_PATH_CHANGES ("added file(s), does
# MAINTAINERS need updating?"); instead this script answers that question:
# every file a patch adds must already be covered by the KVM entry of
# MAINTAINERS, according to scripts/get_maintainer.pl.  In trace event
# headers (include/trace/events/) the TRACE_EVENT() layout that all of them
# use gets OPEN_ENDED_LINE and PARENTHESIS_ALIGNMENT checks: those two are
# not counted there.
#   SKIP_BUILD=1   only apply, checkpatch and lint (quick)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$top/scripts/deps.sh"
ARCH=arm64 bash "$top/scripts/deps.sh"	# the arm64 builds
bash "$top/scripts/tree.sh"
git -C "$LINUX" diff --quiet HEAD || die "build/linux has uncommitted changes: commit and export them first"

mapfile -t patches < <(series_patches)
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

# ... and is cut into series that start at the first patch and each have
# a cover letter.
mapfile -t groups < <(series_groups)
if [ ${#groups[@]} = 0 ]; then
	echo "check: FAIL series/ has no #group line"; fail=1
else
	read -r g1 o1 _ f1 _ <<<"${groups[0]}"
	[ "$o1" = base ] && [ "$f1" = 1 ] ||
		{ echo "check: FAIL the first #group of series/ must start the series, onto=base"; fail=1; }
	for g in "${groups[@]}"; do
		read -r gname onto _ first last <<<"$g"
		[ -f "$top/cover/$gname.txt" ] ||
			{ echo "check: FAIL series $gname has no cover letter cover/$gname.txt"; fail=1; }
		case "$onto" in base|base-alone|both) ;;
		*) echo "check: FAIL series $gname: onto=$onto"; fail=1 ;; esac
		[ "$first" -le "$last" ] || { echo "check: FAIL series $gname has no patch"; fail=1; }
	done
	[ "$fail" = 0 ] && echo "check: ${#groups[@]} series: $(printf '%s ' "${groups[@]}" | awk '{for (i = 1; i <= NF; i += 5) printf "%s%s (%s-%s)", (i > 1 ? ", " : ""), $i, $(i+3), $(i+4)}')"
fi

# 2. checkpatch --strict --codespell, and MAINTAINERS coverage of added files.
cp_pl=$LINUX/scripts/checkpatch.pl
# Debian's python3 has the modules spdxcheck.py needs (python3-ply, -git,
# deps.sh); another python3 first on the PATH makes checkpatch skip the
# SPDX check silently, hence PATH and the canary below.
checkpatch() {
	{ (cd "$LINUX" && PATH=/usr/bin:$PATH "$cp_pl" --strict --codespell --show-types \
		--no-summary --ignore FILE_PATH_CHANGES "$@" 2>&1) || true; } |
	awk -v RS= '/^(NOTE:|.* has (style problems|no obvious style problems))/ { next }
		!/^[A-Z]+:(OPEN_ENDED_LINE|PARENTHESIS_ALIGNMENT):.*\n#[0-9]+: FILE: include\/trace\/events\// { print; print "" }'
}
canary=$BUILD/check-canary.patch
cat > "$canary" <<'CANARY'
From: Canary <canary@example.com>
Subject: [PATCH] KVM: Canary

Signed-off-by: Canary <canary@example.com>
---
diff --git a/virt/kvm/canary.c b/virt/kvm/canary.c
new file mode 100644
--- /dev/null
+++ b/virt/kvm/canary.c
@@ -0,0 +1,2 @@
+// SPDX-License-Identifier: NOT-A-LICENSE
+/* Make sure the guest can recieve it. */
CANARY
out=$(checkpatch "$canary")
grep -q 'SPDX_LICENSE_TAG.*NOT-A-LICENSE' <<<"$out" ||
	{ echo "check: FAIL checkpatch does not run its SPDX check (spdxcheck.py, python3-ply?)"; fail=1; }
grep -q 'TYPO_SPELLING.*recieve' <<<"$out" ||
	{ echo "check: FAIL checkpatch does not run codespell (package codespell?)"; fail=1; }
for p in "${patches[@]}"; do
	out=$(checkpatch "$top/patches/$p")
	if [ -n "$out" ]; then
		echo "check: FAIL checkpatch $p"; echo "$out" | sed 's/^/    /'; fail=1
	fi
done
if ! out=$(cd "$top/patches" && python3 "$top/scripts/lint-changelog.py" "${patches[@]}"); then
	echo "check: FAIL changelogs"; fail=1
fi
[ -z "$out" ] || echo "$out" | sed 's/^/    /'
for f in $(git -C "$LINUX" log --format= --diff-filter=A --name-only base..HEAD | sort -u); do
	if ! (cd "$LINUX" && ./scripts/get_maintainer.pl --nogit --nogit-fallback --no-rolestats \
		-f "$f" 2>/dev/null) | grep -q 'kvm@vger.kernel.org'; then
		echo "check: FAIL $f is not covered by the KVM entry of MAINTAINERS"; fail=1
	fi
done
[ "$fail" = 0 ] && echo "check: checkpatch --strict --codespell clean (SPDX and spelling checks seen running), changelogs lint clean on ${#patches[@]} patches; added files covered by MAINTAINERS"

# 3. every patch builds, KVM built in and as modules; its uapi headers
# install and compile, its selftests build.
check_uapi() {
	local t0 std
	t0=$(date +%s)
	if ! make -s -C "$LINUX" O="$KOUT" headers_install >"$BUILD/check-build.log" 2>&1; then
		echo "check: FAIL $1: headers_install: $2"
		sed 's/^/    /' "$BUILD/check-build.log" | tail -20
		return 1
	fi
	# The kernel's own uapi header test compiles each header as C90.
	for std in "-x c -std=c90" "-x c -std=c11" "-x c++ -std=c++17"; do
		# shellcheck disable=SC2086
		if ! gcc $std -Wall -Wextra -Werror -fsyntax-only -I "$KOUT/usr/include" \
			-include linux/kvm.h - </dev/null >"$BUILD/check-build.log" 2>&1; then
			echo "check: FAIL $1: <linux/kvm.h> does not compile ($std): $2"
			sed 's/^/    /' "$BUILD/check-build.log" | tail -20
			return 1
		fi
	done
	echo "check: $1: uapi headers install and compile, C90/C11/C++ ($(( $(date +%s) - t0 ))s)"
}
check_selftests() {
	local t0
	t0=$(date +%s)
	if ! bash "$top/scripts/selftests.sh" >"$BUILD/check-build.log" 2>&1; then
		echo "check: FAIL $1: the KVM selftests do not build: $2"
		tail -30 "$BUILD/check-build.log" | sed 's/^/    /'
		return 1
	fi
	echo "check: $1: KVM selftests build ($(( $(date +%s) - t0 ))s)"
}
check_build() {	# $1: what, $2: subject, $3: builds (x86, x86-m, arm64)
	local b o t0 env
	for b in $3; do
		case "$b" in
		x86)	o=$BUILD/kout-bench env=(MODULES=0 TARGETS=arch/x86/kvm/) ;;
		x86-m)	o=$BUILD/kout-modules env=(MODULES=1 TARGETS=arch/x86/kvm/) ;;
		arm64)	o=$BUILD/kout-bench-arm64 env=(ARCH=arm64 TARGETS=arch/arm64/kvm/) ;;
		esac
		t0=$(date +%s)
		if env PROFILE=bench O="$o" "${env[@]}" bash "$top/scripts/kernel.sh" \
			>"$BUILD/check-build.log" 2>&1; then
			echo "check: $1 builds, $b ($(( $(date +%s) - t0 ))s): $2"
		else
			echo "check: FAIL $1 does not build, $b: $2"
			tail -30 "$BUILD/check-build.log" | sed 's/^/    /'
			return 1
		fi
	done
}
# The builds a patch needs: both architectures unless it changes only one
# architecture's files (or none: documentation and tools); KVM as modules
# (x86) at the top of a series, or after every patch that changes x86's
# inputs with CHECK_MODULES=every.
builds_for() {	# $1: files changed, $2: 1 at the top of a series
	local b=
	if grep -qvE '^(Documentation|tools|arch/arm64)/' <<<"$1"; then
		b=x86
		[ "${CHECK_MODULES:-top}" != every ] || b="x86 x86-m"
	fi
	[ "$2" != 1 ] || [[ "$b" == *x86-m* ]] || b="$b x86-m"
	grep -qvE '^(Documentation|tools|arch/x86)/' <<<"$1" && b="$b arm64"
	echo "$b"
}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
	head=$(git -C "$LINUX" rev-parse HEAD)
	branch=$(git -C "$LINUX" symbolic-ref -q --short HEAD || true)
	restore() { git -C "$LINUX" checkout -q "${branch:-$head}"; }
	trap restore EXIT
	# the last patch of each series
	tops=" $(for g in "${groups[@]}"; do read -r _ _ _ _ last <<<"$g"; printf '%s ' "$last"; done)"
	n=0
	for c in $(git -C "$LINUX" rev-list --reverse base..HEAD); do
		n=$((n + 1))
		subj=$(git -C "$LINUX" log -1 --format=%s "$c")
		files=$(git -C "$LINUX" diff --name-only "$c^" "$c")
		git -C "$LINUX" checkout -q --detach "$c"
		if grep -q '^include/uapi/' <<<"$files"; then
			check_uapi "patch $n" "$subj" || fail=1
		fi
		if grep -q '^tools/testing/selftests/kvm/' <<<"$files"; then
			check_selftests "patch $n" "$subj" || fail=1
		fi
		# the production config (faster to build than the gate
		# kernel's, whose build at the top of the series is make
		# kernel's), built in (build/kout-bench, reused by make bench,
		# and build/kout-bench-arm64) and as modules
		top_of_series=0
		[[ "$tops" != *" $n "* ]] || top_of_series=1
		builds=$(builds_for "$files" "$top_of_series")
		[ -z "${builds// /}" ] || check_build "patch $n" "$subj" "$builds" || fail=1
	done
fi

# 4. a series that is sent to apply to the base alone builds there, at its
# top (its patches build one by one above, after the series before it).
if [ "${SKIP_BUILD:-0}" != 1 ]; then
	mapfile -t commits < <(git -C "$LINUX" rev-list --reverse base..HEAD)
	kout_series=$KOUT selftests_series=${SELFTESTS:-$BUILD/selftests}
	for g in "${groups[@]}"; do
		read -r gname onto _ first last <<<"$g"
		[ "$onto" = base-alone ] || continue
		if [ "$first" = 1 ]; then before=base; else before=${commits[first - 2]}; fi
		t0=$(date +%s)
		if ! out=$(bash "$top/scripts/standalone.sh" "$before" "${commits[last - 1]}" base "moved-$gname" 2>&1); then
			echo "check: FAIL series $gname cannot be moved onto the base alone"
			echo "$out" | sed 's/^/    /'; fail=1; continue
		fi
		echo "check: series $gname moved onto the base alone, and back onto the series before it: the same tree ($(( $(date +%s) - t0 ))s)"
		git -C "$LINUX" checkout -q --detach "moved-$gname"
		what="series $gname alone"
		# Its own headers and selftests directories, so that those of
		# the series stay as they are (no rebuild of all selftests
		# for the gate); of the selftests, the library and its own.
		mapfile -t own < <(git -C "$LINUX" diff --name-only --diff-filter=A base HEAD -- \
			'tools/testing/selftests/kvm/*_test.c' | sed 's|^tools/testing/selftests/kvm/||; s|\.c$||')
		export KOUT=$BUILD/kout-moved SELFTESTS=$BUILD/selftests-moved SELFTESTS_ONLY="${own[*]}"
		check_uapi "$what" "$gname" || fail=1
		check_selftests "$what" "$gname" || fail=1
		unset SELFTESTS_ONLY
		KOUT=$kout_series SELFTESTS=$selftests_series
		check_build "$what" "$gname" "x86 x86-m arm64" || fail=1
		restore
	done
fi

# 5. the mails of make send (dry run) apply with git am onto the base and
# give the tree built above.  (b4, make send B4=1, takes a minute more: not
# in the gate.)
if out=$(SEND=0 B4=0 bash "$top/scripts/send.sh" 2>&1); then
	grep -E '^send: (build|b4)' <<<"$out" | sed 's/^send/check: send/'
else
	echo "check: FAIL make send"; echo "$out" | tail -20 | sed 's/^/    /'; fail=1
fi

[ "$fail" = 0 ] || die "FAILED"
echo "check: OK"
