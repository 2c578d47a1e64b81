#!/usr/bin/env bash
# Export base..HEAD of build/linux back into patches/ and series.
# Byte-stable: exporting an unchanged tree changes no file.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$LINUX/.git" ] || die "no build/linux tree: run 'make tree' first"
[ -z "$(git -C "$LINUX" status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted changes: commit them first"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$LINUX" format-patch -q --no-signature --zero-commit --no-numbered \
	--abbrev=12 --full-index -o "$tmp" base..HEAD >/dev/null
: > "$tmp/series.new"
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	b=${f##*/}
	echo "$b" >> "$tmp/series.new"
	cmp -s "$f" "$top/patches/$b" || cp "$f" "$top/patches/$b"
done
# drop patches that are no longer in the tree
for f in "$top"/patches/*.patch; do
	[ -e "$f" ] || continue
	grep -qxF "${f##*/}" "$tmp/series.new" || rm -f "$f"
done
cmp -s "$tmp/series.new" "$top/series" || cp "$tmp/series.new" "$top/series"
# the tree now matches the series: record it so 'make tree' is a no-op
stamp=$(cat "$top/scripts/versions.mk" "$top/series" $(sed "s|^|$top/patches/|" "$top/series") 2>/dev/null | sha1sum | cut -c1-12)
git -C "$LINUX" config gfnring.stamp "$stamp"
git -C "$LINUX" config gfnring.head "$(git -C "$LINUX" rev-parse HEAD)"
echo "export: $(wc -l < "$top/series") patches in patches/"
