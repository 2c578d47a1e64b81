#!/usr/bin/env bash
# The uapi numbers the series adds to <linux/kvm.h> (capabilities, exit
# reasons, KVMIO ioctl numbers) must be free in the base, and recorded in
# docs/uapi-numbers.md with what they were checked against.  Prints one
# line per number; exits 1 if any collides or is not recorded.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

uapi=include/uapi/linux/kvm.h
base_h=$(git -C "$LINUX" show "base:$uapi")
added=$(git -C "$LINUX" diff base HEAD -- "$uapi" | grep -E '^\+#define' || true)
bad=0 n=0
while read -r _ name val _; do
	case "$name" in
	KVM_CAP_*)  kind=KVM_CAP_ ;;
	KVM_EXIT_*) kind=KVM_EXIT_ ;;
	*) continue ;;
	esac
	[[ "$val" =~ ^[0-9]+$ ]] || continue
	n=$((n + 1))
	clash=$(awk -v k="$kind" -v v="$val" '$1 == "#define" && index($2, k) == 1 && $3 == v { print $2 }' <<<"$base_h")
	[ -z "$clash" ] || { echo "uapi: $name $val collides with the base's $clash"; bad=1; }
	grep -qF "| $name | $val |" "$top/docs/uapi-numbers.md" ||
		{ echo "uapi: $name $val is not recorded in docs/uapi-numbers.md"; bad=1; }
done <<<"$added"
while read -r name nr; do
	[ -n "$name" ] || continue
	n=$((n + 1))
	clash=$({ grep -E "_IO[RW]*\(KVMIO, *$nr\b" <<<"$base_h" || true; } | awk '{ print $2 }' | head -3 | tr '\n' ' ')
	[ -z "$clash" ] || { echo "uapi: $name (KVMIO, $nr) collides with the base's $clash"; bad=1; }
	grep -qF "| $name | _IO" "$top/docs/uapi-numbers.md" ||
		{ echo "uapi: $name is not recorded in docs/uapi-numbers.md"; bad=1; }
done < <(sed -nE 's/^\+#define[[:space:]]+(KVM_[A-Z0-9_]+)[[:space:]]+_IO[RW]*\(KVMIO, *(0x[0-9a-fA-F]+).*/\1 \2/p' <<<"$added")
[ "$n" -gt 0 ] || { echo "uapi: found no number that the series adds (did the parsing break?)"; bad=1; }
[ "$bad" = 0 ] && echo "uapi: $n numbers of the series, none defined by the base, all recorded"
exit "$bad"
