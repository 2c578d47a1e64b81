#!/usr/bin/env bash
# Fetch the base tree's source package (scripts/versions.mk) into
# build/base-pkg and print the path of its tarball.  Debian's registry
# serves BASE_SUITE, which this machine's apt sources do not list: apt runs
# with a private source list, list and cache directory under build/apt
# (scripts/lib.sh: papt), so the machine's configuration is left alone.
# When BASE_VERSION is gone from the registry, the newest BASE_PKG it has
# is taken, with a warning on every run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$BUILD/base-pkg
tarball=$dir/usr/src/$BASE_PKG.tar.xz
if [ -f "$tarball" ] && [ "$(cat "$dir/.version" 2>/dev/null)" = "$BASE_VERSION" ]; then
	echo "$tarball"
	exit 0
fi
papt_update "$BASE_SUITE" >&2
version=$BASE_VERSION
if ! papt_has "$BASE_PKG" "$BASE_VERSION"; then
	version=$(papt policy_candidate "$BASE_PKG")
	[ -n "$version" ] && [ "$version" != "(none)" ] ||
		die "$BASE_PKG is not in $BASE_SUITE at all: pick another BASE_PKG in scripts/versions.mk"
	{
		echo "base: WARNING: $BASE_PKG=$BASE_VERSION (scripts/versions.mk) is gone from $BASE_SUITE;"
		echo "base: WARNING: using $version, the newest there.  Bump BASE_VERSION."
	} >&2
	if [ -f "$tarball" ] && [ "$(cat "$dir/.version" 2>/dev/null)" = "$version" ]; then
		echo "$tarball"
		exit 0
	fi
fi
dl=$BUILD/apt/dl
rm -rf "$dl" "$dir"
mkdir -p "$dl"
(cd "$dl" && papt_get download "$BASE_PKG=$version") >&2 ||
	die "apt-get download $BASE_PKG=$version failed"
deb=$(find "$dl" -name "${BASE_PKG}_*.deb" | head -n 1)
[ -n "$deb" ] || die "no ${BASE_PKG}_*.deb after the download"
dpkg-deb -x "$deb" "$dir"
rm -rf "$dl"
[ -f "$tarball" ] || die "$deb has no usr/src/$BASE_PKG.tar.xz"
echo "$version" > "$dir/.version"
echo "base: $BASE_PKG $version from $BASE_SUITE" >&2
echo "$tarball"
