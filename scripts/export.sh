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
# keep the comments of series/ (the "#group" lines): each stays before the
# patch it preceded, found by its name without the number
python3 - "$top/series" "$tmp/series.new" <<'PY'
import re, sys
old, new = sys.argv[1:3]
slug = lambda p: re.sub(r'^[0-9]+-', '', p)
before, pending = {}, []
for line in open(old).read().splitlines():
    if line.startswith('#') or not line.strip():
        pending.append(line)
    else:
        before[slug(line.split()[0])] = pending
        pending = []
out = []
for p in open(new).read().split():
    out += before.pop(slug(p), []) + [p]
lost = [c for cs in before.values() for c in cs] + pending
if lost:
    sys.exit('export: comments of series/ whose patch is gone: ' + '; '.join(lost))
open(new, 'w').write('\n'.join(out) + '\n')
PY
cmp -s "$tmp/series.new" "$top/series" || cp "$tmp/series.new" "$top/series"
# the tree now matches the series: record it so 'make tree' is a no-op
stamp=$(cat "$top/scripts/versions.mk" "$top/series" $(series_patches | sed "s|^|$top/patches/|") 2>/dev/null | sha1sum | cut -c1-12)
git -C "$LINUX" config gfnring.stamp "$stamp"
git -C "$LINUX" config gfnring.head "$(git -C "$LINUX" rev-parse HEAD)"
echo "export: $(series_patches | wc -l) patches in patches/"
