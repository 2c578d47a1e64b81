#!/usr/bin/env bash
# Check the series, patch by patch:
#  1. it applies with quilt and with git am, to the same tree;
#  2. checkpatch --strict is clean, and so is codespell on what checkpatch
#     --codespell would read (the message and the added lines, with the
#     same dictionary: 6 s instead of checkpatch's 190 s), with the SPDX
#     and spelling checks proven to run (a canary patch must trip both);
#     the changelogs follow the KVM rules (scripts/lint-changelog.py);
#  3. every patch builds, for x86 and for arm64: arch/x86/kvm/ and
#     arch/arm64/kvm/ (which include virt/kvm/), warnings as errors
#     (KVM_WERROR=y, WERROR=y on arm64), KVM built in (production config;
#     make kernel builds the gate config at the top); a patch that changes
#     only one architecture's files skips the other's build, whose inputs
#     it does not change.  x86 KVM as modules at the top of each series
#     (CHECK_MODULES=every: after every patch), and what kvm-amd and
#     kvm-intel use of kvm.ko must be exported by it; a patch that changes the
#     uapi installs its headers and compiles <linux/kvm.h> as C90, C11 and
#     C++; a patch that changes the KVM selftests builds them (x86);
#  4. series/ holds several series ("#group" lines): one that is moved
#     onto the base alone to be sent (the dirty quota) applies there and
#     builds at its top, KVM built in and as modules, uapi and selftests
#     (before the patches above, so that the build directories end at the
#     top of the series);
#  5. the mails of make send (dry run) of every series apply with git am
#     onto the base (or onto the series they need) and give the same
#     tree.
# In the order 1, 2, 5, 4, 3: the git work first (one core), the builds
# last, and the build directories end at the top of the series.
#
# checkpatch is run with --ignore UNKNOWN_COMMIT_ID: the base is a source
# import without upstream history, so the commit of a Fixes: tag cannot be
# looked up in it (each was checked against the KVM list archive instead).
# And with --ignore FILE_PATH_CHANGES ("added file(s), does
# MAINTAINERS need updating?"); instead this script answers that question:
# every file a patch adds must already be covered by the KVM entry of
# MAINTAINERS, according to scripts/get_maintainer.pl.
#   SKIP_BUILD=1   only apply, checkpatch and lint (quick)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$top/scripts/deps.sh"
ARCH=arm64 bash "$top/scripts/deps.sh"	# the arm64 builds
bash "$top/scripts/tree.sh"
git -C "$LINUX" diff --quiet HEAD || die "build/linux has uncommitted changes: commit and export them first"

mapfile -t patches < <(series_patches)
fail=0
t0=$(date +%s)

# 1. quilt: the series applies to the pristine base with patch -p1.
qdir=$BUILD/check-quilt
rm -rf "$qdir"
git -C "$LINUX" worktree prune
git -C "$LINUX" worktree add -q --detach "$qdir" base
if (cd "$qdir" && QUILT_PATCHES="$top/patches" QUILT_SERIES="$top/series" \
	quilt push -a -q >"$BUILD/check-quilt.log" 2>&1); then
	echo "check: quilt push -a: ${#patches[@]} patches apply to base ($(( $(date +%s) - t0 ))s)"
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

# 2. checkpatch --strict, codespell, and MAINTAINERS coverage of added files.
cp_pl=$LINUX/scripts/checkpatch.pl
t0=$(date +%s)
# Debian's python3 has the modules spdxcheck.py needs (python3-ply, -git,
# deps.sh); another python3 first on the PATH makes checkpatch skip the
# SPDX check silently, hence PATH and the canary below.
checkpatch() {
	{ (cd "$LINUX" && PATH=/usr/bin:$PATH "$cp_pl" --strict --show-types \
		--no-summary --ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$@" 2>&1) || true; } |
	awk -v RS= '/^(NOTE:|.* has (style problems|no obvious style problems))/ { next }
		{ print; print "" }'
}
# checkpatch --codespell matches every line against codespell's whole
# dictionary as one regex: 190 of its 230 s on this series.  codespell
# itself, on the lines checkpatch would read (the headers and message, and
# the added lines; the others blanked so that line numbers stay the
# patch's), with checkpatch's dictionary (codespell's "clear" one), reads
# them in seconds.  Prints "patch:line: text" and the suggestion.
spelling() {
	local p
	for p in "$@"; do
		awk '/^diff --git / { body = 1 }
			{ if (!body || (/^\+/ && !/^\+\+\+ /)) print; else print "" }' "$p" |
		{ codespell --builtin clear - 2>&1 || true; } | sed "s|^|${p##*/}:|"
	done
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
grep -q 'recieve ==> receive' <<<"$(spelling "$canary")" ||
	{ echo "check: FAIL codespell does not run (package codespell?)"; fail=1; }
# One run for all patches; it heads each patch's report with its name
# between lines of dashes.
# Each line of a report is printed with its patch's name; the headers, the
# NOTE: paragraphs and the closing "has (no obvious) style problems" go.
out=$({ (cd "$LINUX" && PATH=/usr/bin:$PATH "$cp_pl" --strict --show-types \
		--no-summary --ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID \
		"${patches[@]/#/$top/patches/}" 2>&1) || true; } |
	awk -v top="$top/patches/" '/^-+$/ { next }
		index($0, top) == 1 { sub(top, ""); if ($0 !~ / has (no obvious )?style problems/) name = $0; next }
		/^NOTE:/ { note = 1; next }
		note && /^ / { next }
		{ note = 0 }
		NF { print name ": " $0 }')
if [ -n "$out" ]; then
	echo "check: FAIL checkpatch:"; echo "$out" | sed 's/^/    /'; fail=1
fi
out=$(spelling "${patches[@]/#/$top/patches/}")
if [ -n "$out" ]; then
	echo "check: FAIL codespell:"; echo "$out" | sed 's/^/    /'; fail=1
fi
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
[ "$fail" = 0 ] && echo "check: checkpatch --strict and codespell clean (SPDX and spelling checks seen running), changelogs lint clean on ${#patches[@]} patches; added files covered by MAINTAINERS ($(( $(date +%s) - t0 ))s)"

# uapi numbers: free in the base, recorded (scripts/uapi-check.sh)
if out=$(bash "$top/scripts/uapi-check.sh" 2>&1); then
	echo "check: $out"
else
	echo "check: FAIL uapi numbers"; echo "$out" | sed 's/^/    /'; fail=1
fi

# the ordering and protocol proofs: litmus tests (herd7, LKMM) and the
# Spin model of proofs/ (scripts/proofs.sh, make proofs)
t0=$(date +%s)
if out=$(bash "$top/scripts/proofs.sh" 2>&1); then
	echo "check: proofs: $(tail -n 1 <<<"$out") ($(( $(date +%s) - t0 ))s)"
else
	echo "check: FAIL proofs"; grep -v '^ok ' <<<"$out" | tail -20 | sed 's/^/    /'; fail=1
fi

# 5. the mails of make send (dry run) apply with git am onto the base and
# give the tree built below.  (b4, make send B4=1, takes a minute more: not
# in the gate.)  Before the builds: its git work takes one core, and in
# make test check has only one while the gate's thread=single half runs;
# the builds at the end have both.
t0=$(date +%s)
if out=$(SEND=0 B4=0 bash "$top/scripts/send.sh" 2>&1); then
	grep -E '^send: (build|b4)' <<<"$out" | sed 's/^send/check: send/'
	echo "check: send: $(( $(date +%s) - t0 ))s"
else
	echo "check: FAIL make send"; echo "$out" | tail -20 | sed 's/^/    /'; fail=1
fi

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
# KVM as modules: what kvm-amd.ko and kvm-intel.ko take from kvm.ko must be
# exported by it.  (modpost would say so, but it needs vmlinux.o, a whole
# kernel build; the objects tell as much: EXPORT_SYMBOL leaves a
# __export_symbol_<name> in the object.)
module_exports() {	# $1: arch/x86/kvm of a KVM=m build
	local m missing bad=0
	local -a exported
	[ -f "$1/kvm.o" ] || { echo "no $1/kvm.o"; return 1; }
	mapfile -t exported < <(nm "$1/kvm.o" | awk '$3 ~ /^__export_symbol_/ { print substr($3, 17) }')
	[ ${#exported[@]} -gt 0 ] || { echo "no __export_symbol_ in $1/kvm.o"; return 1; }
	for m in kvm-amd kvm-intel; do
		[ -f "$1/$m.o" ] || { echo "no $1/$m.o"; return 1; }
		missing=$(comm -12 <(nm -u "$1/$m.o" | awk '{ print $2 }' | sort -u) \
				<(nm -g --defined-only "$1/kvm.o" | awk '{ print $3 }' | sort -u) |
			comm -23 - <(printf '%s\n' "${exported[@]}" | sort -u))
		[ -z "$missing" ] ||
			{ echo "$m.ko uses symbols of kvm.ko that it does not export:" $missing; bad=1; }
	done
	return "$bad"
}
# The objects of virt/kvm/ that arm64's KVM links, as its last full build
# (arch/arm64/kvm/built-in.a, a thin archive) lists them: kbuild targets.
arm64_generic_objs() {	# $1: the arm64 output directory
	ar t "$1/arch/arm64/kvm/built-in.a" |
		awk -v o="$1/" 'index($0, o) == 1 { $0 = substr($0, length(o) + 1) } /\/virt\/kvm\// { printf "%s ", $0 }'
}
check_build() {	# $1: what, $2: subject, $3: builds (x86, x86-m, arm64, arm64-generic)
	local b o t0 env
	for b in $3; do
		case "$b" in
		x86)	o=$BUILD/kout-bench env=(MODULES=0 TARGETS=arch/x86/kvm/) ;;
		x86-m)	o=$BUILD/kout-modules env=(MODULES=1 TARGETS=arch/x86/kvm/) ;;
		arm64)	o=$BUILD/kout-bench-arm64 env=(ARCH=arm64 TARGETS=arch/arm64/kvm/) ;;
		arm64-generic)
			o=$BUILD/kout-bench-arm64
			env=(ARCH=arm64 TARGETS="$(arm64_generic_objs "$o")") ;;
		esac
		t0=$(date +%s)
		if env PROFILE=bench O="$o" "${env[@]}" bash "$top/scripts/kernel.sh" \
			>"$BUILD/check-build.log" 2>&1 &&
		   { [ "$b" != x86-m ] || module_exports "$o/arch/x86/kvm" >"$BUILD/check-build.log"; }; then
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

# 4. a series that is sent to apply to the base alone builds there, at its
# top (its patches build one by one below, after the series before it).
# Before the patches, so that the build directories end at the top of the
# series (make test's arm64 kernel and make bench reuse them).
if [ "${SKIP_BUILD:-0}" != 1 ]; then
	head=$(git -C "$LINUX" rev-parse HEAD)
	branch=$(git -C "$LINUX" symbolic-ref -q --short HEAD || true)
	restore() { git -C "$LINUX" checkout -q "${branch:-$head}"; }
	trap restore EXIT
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

# 3. (the builds) every patch, in order, ending at the top of the series
if [ "${SKIP_BUILD:-0}" != 1 ]; then
	# the last patch of each series
	tops=" $(for g in "${groups[@]}"; do read -r _ _ _ _ last <<<"$g"; printf '%s ' "$last"; done)"
	n=0 arm64_full=0 arm64_pending=0
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
		# arm64: all of arch/arm64/kvm/ at the first patch, at a patch
		# that changes arm64's files, and at the top of a series if a
		# patch since the last such build changed generic code; in
		# between, a patch that changes only generic code builds
		# virt/kvm/ for arm64 (the objects the last full build linked:
		# a generic Kconfig or Makefile change that adds one for arm64
		# is built at the top of its series at the latest; arm64 selects
		# the series' options in its own Kconfig, which is arm64's
		# files).  CHECK_ARM64=every: all of arch/arm64/kvm/ after every
		# patch.
		if [[ " $builds " == *" arm64 "* ]]; then
			if [ "$arm64_full" = 0 ] || [ "$top_of_series" = 1 ] ||
			   [ "${CHECK_ARM64:-}" = every ] ||
			   grep -q '^arch/arm64/' <<<"$files"; then
				arm64_full=1 arm64_pending=0
			else
				builds=${builds/arm64/arm64-generic} arm64_pending=1
			fi
		elif [ "$top_of_series" = 1 ] && [ "$arm64_pending" = 1 ]; then
			builds="$builds arm64" arm64_pending=0
		fi
		[ -z "${builds// /}" ] || check_build "patch $n" "$subj" "$builds" || fail=1
	done
fi

[ "$fail" = 0 ] || die "FAILED"
echo "check: OK"
