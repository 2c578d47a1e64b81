# Shared settings for the scripts; sourced, not run.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$top/build}
LINUX=${LINUX:-$BUILD/linux}
# ARCH=arm64: the arm64 workspace, cross-built (aarch64-linux-gnu-), every
# output of its own with an "-arm64" suffix (build/kout-arm64,
# build/selftests-arm64, build/initramfs-arm64.cpio.gz, build/vm-test-arm64)
# so that x86 and arm64 never share a file.  x86, the default, keeps the
# plain names, and ARCH stays out of its kernel builds' environment.
case "${ARCH:-x86}" in
x86|x86_64)	unset ARCH; arch=x86 sfx= ;;
arm64|aarch64)	export ARCH=arm64 CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
		arch=arm64 sfx=-arm64 ;;
*)		echo "${0##*/}: ARCH=$ARCH: x86 (the default) or arm64" >&2; exit 1 ;;
esac
KOUT=${KOUT:-$BUILD/kout$sfx}
while IFS='=' read -r k v; do
	k=${k// /}
	case "$k" in ''|'#'*) continue ;; esac
	v=${v# }
	printf -v "$k" '%s' "$v"
done < "$top/scripts/versions.mk"
die() { echo "${0##*/}: $*" >&2; exit 1; }

# Parallel jobs for a build: JOBS, or one while the file ONE_JOB_WHILE
# exists (scripts/test.sh: while the gate's thread=single half runs), or
# every core.
nr_jobs() {
	if [ -n "${JOBS:-}" ]; then echo "$JOBS"
	elif [ -n "${ONE_JOB_WHILE:-}" ] && [ -e "$ONE_JOB_WHILE" ]; then echo 1
	else nproc; fi
}

# The patches of series/, in order, one per line.
series_patches() {
	grep -vE '^[[:space:]]*(#|$)' "$top/series" | awk '{print $1}'
}

# The series that series/ holds, one line each: "NAME ONTO V FIRST LAST",
# FIRST and LAST the positions of its patches in series_patches.  A group
# starts at a line "#group NAME onto=ONTO v=V: description", V its
# revision and ONTO:
#   base        applies to the base (the first group only)
#   base-alone  follows other groups here, applies to the base alone once
#               moved there by scripts/standalone.sh
#   both        needs the groups before it
series_groups() {
	awk '
	function flush() { if (name != "") print name, onto, v, first, n }
	/^#group / {
		flush()
		name = $2; onto = ""; v = 1
		for (i = 3; i <= NF; i++) {
			last = sub(/:$/, "", $i)
			if ($i ~ /^onto=/) onto = substr($i, 6)
			if ($i ~ /^v=/) v = substr($i, 3)
			if (last) break
		}
		first = n + 1; next
	}
	/^[[:space:]]*(#|$)/ { next }
	{ n++ }
	END { flush() }
	' "$top/series"
}

# apt with a private configuration (build/apt): other suites of Debian's
# registry (trixie-backports, sid...) without touching the machine's
# sources.  papt_update SUITE... writes the source list and updates it;
# papt_get and papt ARGS run apt-get and apt-cache with it.
PAPT_DIR=$BUILD/apt
papt_opts() {
	echo "-o Dir::Etc::SourceList=$PAPT_DIR/sources.list -o Dir::Etc::SourceParts=/dev/null" \
		"-o Dir::State::Lists=$PAPT_DIR/lists -o Dir::Cache=$PAPT_DIR/cache" \
		"-o Dir::State::status=/var/lib/dpkg/status -o APT::Sandbox::User=root"
}
papt_update() {
	local s
	mkdir -p "$PAPT_DIR/lists/partial" "$PAPT_DIR/cache/archives/partial"
	: > "$PAPT_DIR/sources.list.new"
	for s in "$@"; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $s main" \
			>> "$PAPT_DIR/sources.list.new"
	done
	mv "$PAPT_DIR/sources.list.new" "$PAPT_DIR/sources.list"
	# shellcheck disable=SC2046
	apt-get $(papt_opts) -qq update || die "apt-get update of $* (private list, $PAPT_DIR) failed"
}
# shellcheck disable=SC2046
papt_get() { apt-get $(papt_opts) -qq "$@"; }
papt() {
	if [ "$1" = policy_candidate ]; then
		# shellcheck disable=SC2046
		apt-cache $(papt_opts) policy "$2" | awk '/Candidate:/ { print $2 }'
	else
		# shellcheck disable=SC2046
		apt-cache $(papt_opts) "$@"
	fi
}
# papt_has PKG VERSION: the registry has that version
papt_has() {
	local v
	v=$(papt madison "$1")
	grep -qF "| $2 |" <<<"$v"
}

# TCG's nested triple fault under thread=multi: QEMU's MTTCG (7.2 and 10.0
# alike) sometimes raises a #PF with the reserved-bit and fetch bits (error
# code 0x18) in the selftest guest, whose page tables never change, and its
# delivery shuts the guest down; the upstream dirty ring sees it too.  See
# tests/gate-mttcg.list.
# tcg_shutdown_only DIR: the command lines of the tests of DIR/results.tsv
# whose every failure is that KVM_EXIT_SHUTDOWN, and nothing else.
tcg_shutdown_only() {
	local n f
	awk -F'\t' 'NR > 1 && $2 == "FAIL" && $5 ~ /^exit / { print $1 }' "$1/results.tsv" |
	while read -r n; do
		f=$1/logs/${n//\//_}.log
		[ "$(grep -ac '==== Test Assertion Failure' "$f")" -gt 0 ] || continue
		[ "$(grep -ac '==== Test Assertion Failure' "$f")" = \
		  "$(grep -ac 'got: 8 (SHUTDOWN)' "$f")" ] || continue
		n=${n%]}
		echo "${n/[/ }" | tr , ' '
	done
}
# rerun_tcg_shutdowns DIR: run those tests again, each time in a new boot of
# scripts/vm-test.sh with the caller's environment (TCG_THREAD, BZIMAGE...),
# at most three times.  A rerun's rows replace the first run's in
# DIR/results.tsv, marked as reruns, and its logs replace theirs (its
# console goes to DIR/console-reruns.log); the rows decide.  Returns 0 if it ran anything again, 1 if nothing was to rerun.
rerun_tcg_shutdowns() {
	local dir=$1 try ran=1
	local -a again
	for try in 1 2 3; do
		mapfile -t again < <(tcg_shutdown_only "$dir")
		[ "${#again[@]}" -gt 0 ] || break
		ran=0
		echo "${0##*/}: ${#again[@]} test(s) failed only by the nested guest's triple fault, running them again ($try/3)"
		rm -rf "$dir-rerun"
		VM_TEST_OUT=$dir-rerun bash "$top/scripts/vm-test.sh" "${again[@]}" || true
		[ -f "$dir-rerun/results.tsv" ] || die "the rerun wrote no $dir-rerun/results.tsv"
		cp -r "$dir-rerun/logs/." "$dir/logs/"
		cat "$dir-rerun/console.log" >> "$dir/console-reruns.log"
		awk -F'\t' -v OFS='\t' -v try="$try" '
			FNR == NR { if (FNR > 1) { $5 = "rerun " try " after a TCG triple fault" ($5 == "" ? "" : "; " $5); r[$1] = $0 } next }
			FNR > 1 && ($1 in r) { print r[$1]; next }
			{ print }' "$dir-rerun/results.tsv" "$dir/results.tsv" > "$dir/results.merged.tsv"
		mv "$dir/results.merged.tsv" "$dir/results.tsv"
	done
	return "$ran"
}
