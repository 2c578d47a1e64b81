#!/usr/bin/env bash
# Make build/initramfs.cpio.gz: busybox-static, an /init that runs the given
# KVM selftests one after the other on the serial console, and those test
# binaries (from build/selftests, see scripts/selftests.sh).
#
#   scripts/initramfs.sh 'dirty_log_test -M dirty-ring' x86/sync_regs_test
#   TESTS='x86/sync_regs_test demand_paging_test' scripts/initramfs.sh
#
# Each argument is one test command line: a program path relative to
# build/selftests (x86/ may be left out) and its arguments.  Without
# arguments the tests come from $TESTS: entries separated by newlines or ';'
# if it has any, else by blanks (then every entry is a bare test name).
#   TEST_TIMEOUT=secs   per-test timeout inside the guest (default 300)
#   ARCH=arm64          the arm64 guest's: tests from build/selftests-arm64
#                       (arm64/ may be left out), the busybox of
#                       build/busybox-arm64 (scripts/deps.sh), into
#                       build/initramfs-arm64.cpio.gz and .tests
#
# Also writes build/initramfs.tests: "name<TAB>command" per test, in order,
# the names the /init prints in its markers:
#   @@TEST <name> START
#   @@TEST <name> TIMEOUT            (only when the timeout killed it)
#   @@TEST <name> END rc=<N> secs=<S>
#   @@DONE
# A name is the program path, plus "[arg,arg...]" when there are arguments
# (e.g. "dirty_log_test[-M,dirty-ring]").
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$top/scripts/deps.sh"

SELFTESTS=$BUILD/selftests$sfx
out=$BUILD/initramfs$sfx.cpio.gz
list=$BUILD/initramfs$sfx.tests
subdir=x86 strip=strip
[ "$arch" != arm64 ] || subdir=arm64 strip=${CROSS_COMPILE}strip
timeout=${TEST_TIMEOUT:-300}
[[ "$timeout" =~ ^[1-9][0-9]*$ ]] || die "TEST_TIMEOUT=$timeout is not a number of seconds"

entries=()
if [ $# -gt 0 ]; then
	entries=("$@")
elif [ -n "${TESTS:-}" ]; then
	if [[ "$TESTS" == *[$'\n;']* ]]; then
		mapfile -t entries < <(tr ';' '\n' <<<"$TESTS")
	else
		read -r -a entries <<<"$TESTS"
	fi
else
	die "no tests given: pass test command lines as arguments or in TESTS"
fi

if [ "$arch" = arm64 ]; then
	busybox=$BUILD/busybox-arm64/bin/busybox
	[ -x "$busybox" ] || die "$busybox missing (ARCH=arm64 scripts/deps.sh)"
	readelf -h "$busybox" | grep -q AArch64 || die "$busybox is not an aarch64 binary"
else
	busybox=$(command -v busybox || true)
	[ -n "$busybox" ] || die "busybox not found (busybox-static, see scripts/deps.sh)"
fi
readelf -l "$busybox" | grep INTERP >/dev/null && die "$busybox is not statically linked: install busybox-static"

stage=$BUILD/initramfs$sfx.d
rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,tests}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"

declare -A seen=()
: > "$list.tmp"
for e in "${entries[@]}"; do
	read -r -a words <<<"$e"
	[ ${#words[@]} -gt 0 ] || continue
	prog=${words[0]}
	prog=${prog#./}
	if [ ! -f "$SELFTESTS/$prog" ] && [ -f "$SELFTESTS/$subdir/$prog" ]; then
		prog=$subdir/$prog
	fi
	bin=$SELFTESTS/$prog
	[ -f "$bin" ] && [ -x "$bin" ] ||
		die "no test binary '$prog' in ${SELFTESTS#"$top"/}: run scripts/selftests.sh (is it in the kvm selftests Makefile?)"
	readelf -l "$bin" | grep INTERP >/dev/null &&
		die "$bin is dynamically linked: rebuild with scripts/selftests.sh"
	args=("${words[@]:1}")
	cmd=$prog${args[*]:+ ${args[*]}}
	name=$prog
	if [ ${#args[@]} -gt 0 ]; then
		a=${args[*]}
		name="$prog[${a// /,}]"
	fi
	[ -z "${seen[$name]:-}" ] || die "test '$name' listed twice"
	seen[$name]=1
	if [ ! -f "$stage/tests/$prog" ]; then
		mkdir -p "$(dirname "$stage/tests/$prog")"
		"$strip" --strip-debug -o "$stage/tests/$prog" "$bin"
	fi
	printf '%s\t%s\n' "$name" "$cmd" >> "$list.tmp"
done
[ -s "$list.tmp" ] || die "the test list is empty"
cp "$list.tmp" "$stage/tests/list"
echo "$timeout" > "$stage/tests/timeout"

cat > "$stage/init" <<'EOF'
#!/bin/sh
# Runs every test of /tests/list, markers on the console, then resets
# (the kernel has no ACPI: reboot -f resets, through PSCI on arm64, and
# QEMU -no-reboot then exits).
/bin/busybox --install -s
set -f
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=dumb
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/shm /dev/pts /dev/hugepages
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
grep -qw hugetlbfs /proc/filesystems && mount -t hugetlbfs hugetlbfs /dev/hugepages
# kmemleak (the gate kernel): forget what boot left, report at the end
grep -qw debugfs /proc/filesystems && mount -t debugfs debugfs /sys/kernel/debug
kml=/sys/kernel/debug/kmemleak
if [ -w "$kml" ]; then
	echo scan > "$kml"
	echo clear > "$kml"
fi
exec 0</dev/null
ulimit -c 0
ulimit -n 65536
ulimit -l unlimited
ulimit -s 8192

now() { read -r up _ < /proc/uptime; echo "$up"; }

T=$(cat /tests/timeout)
echo "@@INFO kernel $(uname -r) cpus $(grep -c ^processor /proc/cpuinfo) memtotal $(awk '/^MemTotal/ {print $2 " kB"}' /proc/meminfo)"
if [ -c /dev/kvm ]; then echo "@@INFO kvm yes"; else echo "@@INFO kvm no"; fi
echo "@@INFO hugepages $(awk '/^HugePages_Total/ {print $2}' /proc/meminfo) clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)"
echo "@@INFO tests $(wc -l < /tests/list) timeout ${T}s"
tab=$(printf '\t')
while IFS="$tab" read -r name cmd; do
	[ -n "$name" ] || continue
	echo "@@TEST $name START"
	t0=$(now)
	cd /tmp
	# shellcheck disable=SC2086
	set -- $cmd
	prog=/tests/$1
	shift
	timeout -k 10 "$T" "$prog" "$@" </dev/null 2>&1
	rc=$?
	cd /
	secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
	if [ "$rc" -ge 124 ] && awk -v s="$secs" -v t="$T" 'BEGIN { exit !(s >= t) }'; then
		echo "@@TEST $name TIMEOUT"
	fi
	echo "@@TEST $name END rc=$rc secs=$secs"
done < /tests/list
if [ -w "$kml" ]; then
	# objects younger than 5 s are never reported; two scans, as the
	# kmemleak documentation advises against transient false positives
	sleep 6
	echo scan > "$kml"
	echo scan > "$kml"
	echo "@@KMEMLEAK START"
	cat "$kml"
	echo "@@KMEMLEAK END"
fi
# the KCSAN kernel (make kcsan): what its watchpoints saw
[ -r /sys/kernel/debug/kcsan ] && echo "@@INFO kcsan $(tr '\n' ' ' < /sys/kernel/debug/kcsan | cut -c1-600)"
echo "@@DONE"
sync
reboot -f
sleep 5
echo "@@ reboot -f did not reset the machine"
EOF
chmod 755 "$stage/init"

(cd "$stage" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --quiet --null -o -H newc --owner=0:0 --reproducible) |
	gzip -n -6 > "$out.tmp"
mv "$out.tmp" "$out"
mv "$list.tmp" "$list"
echo "initramfs: $out ($(wc -l < "$list") tests, $(du -k "$out" | cut -f1) kB, timeout ${timeout}s each)"
