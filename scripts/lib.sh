# Shared settings for the scripts; sourced, not run.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$top/build}
LINUX=$BUILD/linux
KOUT=$BUILD/kout
while IFS='=' read -r k v; do
	k=${k// /}
	case "$k" in ''|'#'*) continue ;; esac
	v=${v# }
	printf -v "$k" '%s' "$v"
done < "$top/scripts/versions.mk"
die() { echo "${0##*/}: $*" >&2; exit 1; }
