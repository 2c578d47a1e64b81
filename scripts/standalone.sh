#!/usr/bin/env bash
# Move a part of the series onto another base: the dirty quota series, which
# follows the GFN rings in series/, onto the bare base, so that it can be
# sent and taken on its own.
#
#   standalone.sh FROM TO ONTO BRANCH
#
# Cherry-picks the commits FROM..TO of build/linux onto ONTO as branch
# BRANCH.  The two series only conflict where both add to the same list
# (numbers in the uapi header, api.rst sections, switch cases): such
# conflicts are resolved by scripts/resolve_adjacent.py, anything else
# fails.  Then the proof that nothing else changed: the moved commits,
# cherry-picked back onto FROM the same way, give TO's tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 4 ] || die "usage: standalone.sh FROM TO ONTO BRANCH"
from=$1 to=$2 onto=$3 branch=$4
wt=$BUILD/standalone
git=(git -C "$wt" -c merge.conflictStyle=diff3 -c rerere.enabled=false
	-c user.name=standalone -c user.email=standalone@localhost)

cleanup() {
	git -C "$LINUX" worktree remove --force "$wt" 2>/dev/null || true
	git -C "$LINUX" worktree prune
}
trap cleanup EXIT

# pick FIRST..LAST onto the worktree's HEAD, resolving adjacent additions
pick() {
	local c f
	for c in $(git -C "$LINUX" rev-list --reverse "$1..$2"); do
		if "${git[@]}" cherry-pick --allow-empty "$c" >/dev/null 2>&1; then
			continue
		fi
		mapfile -t files < <("${git[@]}" diff --name-only --diff-filter=U)
		[ ${#files[@]} -gt 0 ] ||
			die "cherry-pick of $(git -C "$LINUX" log -1 --format='%h %s' "$c") failed without a conflict"
		for f in "${files[@]}"; do
			python3 "$top/scripts/resolve_adjacent.py" "$wt/$f" ||
				die "$(git -C "$LINUX" log -1 --format='%h %s' "$c"): $f conflicts beyond adjacent additions (above)"
			"${git[@]}" add "$f"
		done
		GIT_EDITOR=true "${git[@]}" cherry-pick --continue >/dev/null
	done
}

# done already for these commits?
key="$(git -C "$LINUX" rev-parse "$from" "$to" "$onto" | tr '\n' ' ')"
if [ "$(git -C "$LINUX" config "gfnring.moved-${branch//[^a-zA-Z0-9-]/-}" || true)" = "$key" ] &&
	git -C "$LINUX" rev-parse -q --verify "refs/heads/$branch" >/dev/null; then
	trap - EXIT
	exit 0
fi

cleanup
git -C "$LINUX" worktree add -q --detach "$wt" "$onto"
pick "$from" "$to"
moved=$("${git[@]}" rev-parse HEAD)

# the round trip
"${git[@]}" checkout -q --detach "$from"
pick "$onto" "$moved"
if [ "$("${git[@]}" rev-parse 'HEAD^{tree}')" != "$(git -C "$LINUX" rev-parse "$to^{tree}")" ]; then
	"${git[@]}" diff HEAD "$to" >&2
	die "moved back onto $from, the commits give another tree than $to (the difference above): not only adjacent additions were dropped"
fi

git -C "$LINUX" branch -f "$branch" "$moved"
git -C "$LINUX" config "gfnring.moved-${branch//[^a-zA-Z0-9-]/-}" "$key"
