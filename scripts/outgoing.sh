#!/usr/bin/env bash
# Prepare the series for git send-email: build/outgoing/ with a cover
# letter whose subject and body come from cover-letter.txt (first line:
# subject, then the body), then the shortlog and diffstat git generates.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$top/scripts/tree.sh"
out=$BUILD/outgoing
rm -rf "$out"
git -C "$LINUX" format-patch -q --cover-letter --thread -o "$out" base..HEAD
cover=$(ls "$out"/0000-cover-letter.patch)
subject=$(head -1 "$top/cover-letter.txt")
python3 - "$cover" "$subject" "$top/cover-letter.txt" <<'PY'
import sys
path, subject, body_file = sys.argv[1:4]
body = open(body_file).read().split('\n', 1)[1].strip('\n')
s = open(path).read()
s = s.replace('*** SUBJECT HERE ***', subject, 1)
s = s.replace('*** BLURB HERE ***', body, 1)
open(path, 'w').write(s)
PY
echo "outgoing: $(ls "$out" | wc -l) files in ${out#$top/}; send with:"
echo "  git send-email --to kvm@vger.kernel.org \$(cd $LINUX && ./scripts/get_maintainer.pl --no-rolestats $out/*.patch | sed 's/^/--cc /') $out/*.patch"
