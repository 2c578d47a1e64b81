#!/usr/bin/env bash
# Make build/linux a git tree: the pinned base committed and tagged "base",
# then one commit per patch of the series (git am).  Idempotent: nothing is
# done when the tree already holds exactly the current series.
#
# KSRC=/path/to/kernel.git applies the series to that tree instead, on a new
# branch "gfn-ring" made from its HEAD.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

apply_series() {	# $1: git tree
	local p
	for p in $(series_patches); do
		[ -f "$top/patches/$p" ] || die "series lists patches/$p, which does not exist"
		git -C "$1" am -q --keep-cr "$top/patches/$p" ||
			die "patches/$p does not apply (git -C $1 am --abort to clean up)"
	done
}

if [ -n "${KSRC:-}" ]; then
	git -C "$KSRC" rev-parse --git-dir >/dev/null 2>&1 || die "KSRC=$KSRC is not a git tree"
	git -C "$KSRC" checkout -q -b gfn-ring
	apply_series "$KSRC"
	echo "tree: series applied to $KSRC on branch gfn-ring"
	exit 0
fi

# what the tree is made of: the base's pin (not the rest of versions.mk) and the series
stamp=$(cat <(grep '^BASE_' "$top/scripts/versions.mk") "$top/series" $(series_patches | sed "s|^|$top/patches/|") 2>/dev/null | sha1sum | cut -c1-12)

if [ -d "$LINUX/.git" ] && git -C "$LINUX" rev-parse -q --verify base >/dev/null; then
	if [ "$(git -C "$LINUX" config --get gfnring.stamp || true)" = "$stamp" ] &&
	   [ "$(git -C "$LINUX" config --get gfnring.head || true)" = "$(git -C "$LINUX" rev-parse HEAD)" ]; then
		exit 0
	fi
	if [ "$(git -C "$LINUX" config --get gfnring.head || true)" != "$(git -C "$LINUX" rev-parse HEAD)" ] ||
	   [ -n "$(git -C "$LINUX" status --porcelain --untracked-files=no)" ]; then
		if [ "${FORCE:-0}" != 1 ]; then
			die "build/linux has work that is not in patches/: run 'make export' first, or FORCE=1 to drop it"
		fi
	fi
	echo "tree: series changed, re-applying on base"
	git -C "$LINUX" am --abort >/dev/null 2>&1 || true
	git -C "$LINUX" checkout -q -f -B work base
else
	bash "$top/scripts/deps.sh"
	tarball=$(bash "$top/scripts/base.sh")
	version=$(cat "$BUILD/base-pkg/.version")
	echo "tree: unpacking $BASE_PKG $version into build/linux"
	rm -rf "$LINUX" "$BUILD/linux.tmp"
	mkdir -p "$BUILD/linux.tmp"
	tar -xJf "$tarball" -C "$BUILD/linux.tmp" --strip-components=1
	mv "$BUILD/linux.tmp" "$LINUX"
	cd "$LINUX"
	git init -q -b work
	git config user.name "${GIT_AUTHOR_NAME:-gfn-ring build}"
	git config user.email "${GIT_AUTHOR_EMAIL:-build@localhost}"
	git config core.autocrlf false
	# Debian's .gitignore ignores every top-level path, which would hide
	# the files the series adds from git: drop that block.
	sed -i '/^# Debian packaging/,$d' .gitignore
	git add -A -f .
	git -c core.bigFileThreshold=1m commit -q -m "$BASE_PKG $version ($BASE_TAG)"
	git tag base
	cd - >/dev/null
fi
apply_series "$LINUX"
git -C "$LINUX" config gfnring.stamp "$stamp"
git -C "$LINUX" config gfnring.head "$(git -C "$LINUX" rev-parse HEAD)"
echo "tree: build/linux = base + $(git -C "$LINUX" rev-list --count base..HEAD) patches"
