#!/usr/bin/env bash
# The demo: boot the patched kernel and show it doing dirty tracking, with
# the whole console on the terminal (tests/run.list: the checkpoint loop
# and its benchmark, a short throttling benchmark, the end-to-end jobs of
# dirty_migration_test, the ring and quota tests), then a summary table of
# the end-to-end jobs.
#   scripts/run.sh              boot and run
#   scripts/run.sh --summary    only the summary of the last run's console
set -euo pipefail
. "$(dirname "$0")/lib.sh"

summary() {	# console log
	echo "run: the end-to-end jobs (x86/dirty_migration_test; emulated times, compare ratios):"
	awk '/RESULT scenario=/ {
		delete f
		for (i = 1; i <= NF; i++) if (split($i, kv, "=") == 2) f[kv[1]] = kv[2]
		if (f["scenario"] == "pipeline")
			printf "  %-14s every %4d ms: %7.1f dirty pages, pause %6.0f us classic, %6.0f us pipelined (x%s), %s copy-before-write faults\n",
				f["scenario"], f["interval_ms"], (f["classic_dirty"] + f["pipelined_dirty"]) / 2,
				f["classic_pause_us"], f["pipelined_pause_us"], f["ratio"], f["cow_faults_per_ckpt"]
		else {
			st = f["converged"] ? "converged" : "did not converge"
			if (f["scenario"] == "postcopy")
				st = "then switched over"
			printf "  %-14s %2d round(s), %s, sent %.2fx the memory, downtime %s ms%s\n",
				f["scenario"], f["rounds"], st,
				f["sent"] / f["pages"], f["downtime_ms"],
				f["scenario"] == "postcopy" ? ", " f["demand_faults"] " demand faults (" f["fault_us_avg"] " us)" : ""
		}
	}' "$1"
}

case "${1:-}" in
--summary) summary "$BUILD/vm-test/console.log"; exit 0 ;;
"") ;;
*) die "usage: ${0##*/} [--summary]" ;;
esac

list=$top/tests/run.list
[ -f "$list" ] || die "$list missing"
mapfile -t tests < <(sed -e 's/[[:space:]]*#.*//' -e '/^[[:space:]]*$/d' "$list")
echo "run: booting the patched kernel ($(git -C "$LINUX" log --oneline base..HEAD | wc -l) patches on base) under QEMU TCG"
rc=0
VERBOSE=1 bash "$top/scripts/vm-test.sh" "${tests[@]}" || rc=$?
summary "$BUILD/vm-test/console.log"
exit "$rc"
