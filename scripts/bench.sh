#!/usr/bin/env bash
# Benchmark dirty page tracking for checkpointing: dirty GFN rings (gfn),
# the upstream dirty ring (ring) and the dirty bitmap with manual protect
# (bitmap), with x86_64/dirty_checkpoint_test -b in the VM, all in one run.
#
#   scripts/bench.sh             build, run the sweep in the VM, write bench/
#   scripts/bench.sh --list      print the sweep's test command lines
#   scripts/bench.sh --log FILE  only parse a console log and write bench/
#
# Sweeps (each point for the three mechanisms, N checkpoints each):
#   memory 1, 4, 16, 64 GiB (sparse memslot), 1024 pages, 1 vCPU
#   dirty pages 64 .. 16384 per checkpoint, 16 GiB, 1 vCPU
#   vCPUs 1, 2, 4, 16 GiB, 1024 pages
# The working set is max(4096, 2 x pages) pages.
#   N=30               checkpoints per point
#   TEST_TIMEOUT=600   VM_TIMEOUT=1800   passed to scripts/vm-test.sh
# Writes bench/results.tsv, bench/results.md, bench/{memory,pages,vcpus}.png.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

out=$top/bench
n=${N:-30}
[[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N=$n is not a number"
test=x86_64/dirty_checkpoint_test
mechs=(gfn ring bitmap)

# sweep points "mem_mib pages vcpus", without repeats
points=()
add_point() { [[ " ${points[*]/%/,} " == *" $1 $2 $3, "* ]] || points+=("$1 $2 $3"); }
for g in 1 4 16 64; do add_point $((g * 1024)) 1024 1; done
for p in 64 256 1024 4096 16384; do add_point 16384 "$p" 1; done
for v in 1 2 4; do add_point 16384 1024 "$v"; done

cmds=()
for pt in "${points[@]}"; do
	read -r mem pages vcpus <<<"$pt"
	ws=$(( pages * 2 > 4096 ? pages * 2 : 4096 ))
	for m in "${mechs[@]}"; do
		cmds+=("$test -b -m $m -s $mem -p $pages -v $vcpus -w $ws -n $n")
	done
done

log=''
rendered=''
case "${1:-}" in
--list) printf '%s\n' "${cmds[@]}"; exit 0 ;;
--log)
	log=${2:?--log needs a console log}
	rendered=1
	[ -f "$log" ] || die "$log: no such file" ;;
"") ;;
*) die "usage: ${0##*/} [--list | --log console.log]" ;;
esac

rc=0
if [ -z "$log" ]; then
	bash "$top/scripts/kernel.sh"
	bash "$top/scripts/selftests.sh"
	t0=$(date +%s)
	TEST_TIMEOUT=${TEST_TIMEOUT:-600} VM_TIMEOUT=${VM_TIMEOUT:-1800} \
		bash "$top/scripts/vm-test.sh" "${cmds[@]}" || rc=$?
	echo "bench: the sweep took $(( $(date +%s) - t0 ))s"
	log=$BUILD/vm-test/console.log
fi

mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# RESULT key=value ... -> TSV with a header; a kernel message may precede
# a RESULT on its console line.
cols=(mode trigger mem_mib vcpus pages ws_pages checkpoints dirty_avg dup_avg
      harvest_us rearm_us copy_us total_us harvest_ms_total rearm_ms_total
      copy_ms_total ckpt_ms_total run_ms_total ckpt_per_s overall_per_s)
grep -ao 'RESULT mode=.*' "$log" | awk -v cols="${cols[*]}" '
	BEGIN { n = split(cols, c, " "); for (i = 1; i <= n; i++) printf "%s%s", c[i], i < n ? "\t" : "\n" }
	{
		delete kv
		for (i = 2; i <= NF; i++) { split($i, f, "="); kv[f[1]] = f[2] }
		for (i = 1; i <= n; i++) printf "%s%s", (c[i] in kv ? kv[c[i]] : "NA"), i < n ? "\t" : "\n"
	}' > "$out/results.tsv"
got=$(( $(wc -l < "$out/results.tsv") - 1 ))
[ "$got" -gt 0 ] || die "no RESULT lines in $log"
[ "$got" -eq ${#cmds[@]} ] || { echo "bench: $got of ${#cmds[@]} results in $log" >&2; rc=1; }

# value of a column for mode/mem/pages/vcpus, NA if missing
get() {
	awk -F'\t' -v m="$1" -v s="$2" -v p="$3" -v v="$4" -v col="$5" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) k = i; next }
		$1 == m && $3 == s && $5 == p && $4 == v { print $k; f = 1; exit }
		END { if (!f) print "NA" }' "$out/results.tsv"
}

# One sweep: a table in results.md and a data file for gnuplot.
#   sweep NAME TITLE XLABEL "x mem pages vcpus" ...
sweep() {
	local name=$1 title=$2 xl=$3 x s p v m pt
	local -A hr tot
	shift 3
	{
		echo "### $title"
		echo
		echo "harvest + re-arm (median, us): the tracking cost; total adds the page copy."
		echo "ratio = other / gfn: above 1, gfn is faster."
		echo
		echo "| $xl | gfn | ring | bitmap | ring/gfn | bitmap/gfn | total gfn | total ring | total bitmap | ring/gfn | bitmap/gfn |"
		echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	} >> "$tmp/md"
	: > "$tmp/$name.dat"
	for pt in "$@"; do
		read -r x s p v <<<"$pt"
		for m in "${mechs[@]}"; do
			hr[$m]=$(awk -v a="$(get "$m" "$s" "$p" "$v" harvest_us)" \
				     -v b="$(get "$m" "$s" "$p" "$v" rearm_us)" \
				'BEGIN { print (a == "NA" || b == "NA") ? "NA" : a + b }')
			tot[$m]=$(get "$m" "$s" "$p" "$v" total_us)
		done
		awk -v x="$x" -v g="${hr[gfn]}" -v r="${hr[ring]}" -v b="${hr[bitmap]}" \
		    -v tg="${tot[gfn]}" -v tr="${tot[ring]}" -v tb="${tot[bitmap]}" '
			function f(a) { return a == "NA" ? "NA" : sprintf("%.1f", a) }
			function q(a, b) { return (a == "NA" || b == "NA" || b == 0) ? "NA" : sprintf("%.2f", a / b) }
			BEGIN {
				printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", x,
					f(g), f(r), f(b), q(r, g), q(b, g),
					f(tg), f(tr), f(tb), q(tr, tg), q(tb, tg)
			}' >> "$tmp/md"
		echo "$x ${hr[gfn]} ${hr[ring]} ${hr[bitmap]} ${tot[gfn]} ${tot[ring]} ${tot[bitmap]}" \
			>> "$tmp/$name.dat"
	done
	echo >> "$tmp/md"
	# the range of each ratio of harvest + re-arm, and where
	awk -v u="$xl" '
		function r(c, lbl,   i, lo, hi, xl, xh, q) {
			lo = ""; for (i = 1; i <= n; i++) {
				if (d[i, c] == "NA" || d[i, 2] == "NA" || d[i, 2] == 0) continue
				q = d[i, c] / d[i, 2]
				if (lo == "" || q < lo) { lo = q; xl = d[i, 1] }
				if (lo == "" || q >= hi) { hi = q; xh = d[i, 1] }
			}
			if (lo != "") printf "%s %.2f (%s %s) to %.2f (%s %s)", lbl, lo, xl, u, hi, xh, u
		}
		{ n++; for (i = 1; i <= NF; i++) d[n, i] = $i }
		END { printf "Harvest + re-arm, other / gfn: "; r(3, "ring"); printf "; "; r(4, "bitmap"); print ".\n" }
	' "$tmp/$name.dat" >> "$tmp/md"
}

: > "$tmp/md"
sweep memory "Memory size (sparse memslot), 1024 dirty pages, 1 vCPU" "GiB" \
	"1 1024 1024 1" "4 4096 1024 1" "16 16384 1024 1" "64 65536 1024 1"
sweep pages "Dirty pages per checkpoint, 16 GiB, 1 vCPU" "pages" \
	"64 16384 64 1" "256 16384 256 1" "1024 16384 1024 1" "4096 16384 4096 1" \
	"16384 16384 16384 1"
sweep vcpus "vCPUs, 16 GiB, 1024 dirty pages in all" "vCPUs" \
	"1 16384 1024 1" "2 16384 1024 2" "4 16384 1024 4"

vm_secs=$(sed -n 's/.*@@TEST .* END rc=[0-9]* secs=\([0-9.]*\).*/\1/p' "$log" |
	awk '{ s += $1 } END { printf "%.0f", s }')
booted=$(sed -n 's/.*Linux version \([^ ]*\) .*\(#[0-9].*\)$/\1 \2/p' "$log" | head -1)
head=$(git -C "$LINUX" log -1 --format='%h %s' 2>/dev/null || echo unknown)
{
	echo "# Dirty page tracking for checkpointing: gfn rings vs dirty ring vs bitmap"
	echo
	echo "**All times are emulated: QEMU TCG runs the test kernel, and KVM runs"
	echo "nested on the emulated SVM (no PML).  Absolute numbers say nothing about"
	echo "real hardware; only the ratios between the three mechanisms, measured in"
	echo "the same VM run, are meaningful.**"
	echo
	echo "Each point is one run of \`$test -b\`: the guest dirties the given number"
	echo "of random pages of a working set of max(4096, 2 x pages) pages at the"
	echo "start of a sparse memslot; at each of $n checkpoints the host harvests the"
	echo "dirty set (gfn: the vCPU and per-VM rings; ring: the dirty rings;"
	echo "bitmap: KVM_GET_DIRTY_LOG and a scan of the whole memslot's bitmap),"
	echo "re-arms tracking (KVM_RESET_DIRTY_PAGES, KVM_RESET_DIRTY_RINGS,"
	echo "KVM_CLEAR_DIRTY_LOG of the whole memslot) and copies the pages to a"
	echo "standby image, which is checked against guest memory.  Times are medians"
	echo "over the checkpoints, in microseconds.  The test checks that every"
	echo "checkpoint reports exactly the written pages."
	echo
	echo "Booted kernel: ${booted:-unknown}; tree HEAD when rendered: $head."
	echo "Console log: ${log#"$top"/}${rendered:+ (rendered with --log)}.  Raw data: results.tsv."
	echo "Time in the VM for the sweep: ${vm_secs}s (sum of the tests' run times)."
	echo
	echo "![memory](memory.png) ![pages](pages.png) ![vcpus](vcpus.png)"
	echo
	cat "$tmp/md"
	echo "### All results"
	echo
	echo "| mode | MiB | vCPUs | pages | dirty/ckpt | harvest | re-arm | copy | total | ckpt/s | overall/s |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
		$1, $3, $4, $5, $8, $10, $11, $12, $13, $19, $20 }' "$out/results.tsv"
	echo
	echo "ckpt/s counts the checkpoint work only; overall/s also the guest's run"
	echo "time between checkpoints (emulated, so dominated by nested page faults)."
	echo
	echo "Command lines:"
	echo
	printf '    %s\n' "${cmds[@]}"
} > "$out/results.md"

# ---- plots ----------------------------------------------------------------
command -v gnuplot >/dev/null || die "gnuplot missing (gnuplot-nox, scripts/deps.sh)"
term=png
gnuplot -e 'set terminal' 2>&1 | grep -qw pngcairo && term="pngcairo font ',10'"
plot() {	# plot NAME TITLE XLABEL XLOG
	local logx=
	[ "$4" = 1 ] && logx="set logscale x 2"
	gnuplot <<-EOF || { echo "bench: gnuplot failed for $1.png (missing data?)" >&2; rc=1; }
		set terminal $term size 800,520
		set output '$out/$1.png'
		set title "$2\n(emulated under TCG: compare the lines, not the numbers)"
		set xlabel '$3'
		set ylabel 'microseconds per checkpoint (median)'
		set logscale y
		$logx
		set key top left
		set grid
		set datafile missing 'NA'
		plot '$tmp/$1.dat' u 1:2 w lp lw 2 pt 7 lc rgb '#1b9e77' t 'gfn: harvest + re-arm', \
		     '' u 1:3 w lp lw 2 pt 5 lc rgb '#7570b3' t 'ring: harvest + re-arm', \
		     '' u 1:4 w lp lw 2 pt 9 lc rgb '#d95f02' t 'bitmap: harvest + re-arm', \
		     '' u 1:5 w lp lw 1 dt 2 pt 6 lc rgb '#1b9e77' t 'gfn: total with copy', \
		     '' u 1:6 w lp lw 1 dt 2 pt 4 lc rgb '#7570b3' t 'ring: total with copy', \
		     '' u 1:7 w lp lw 1 dt 2 pt 8 lc rgb '#d95f02' t 'bitmap: total with copy'
	EOF
}
plot memory "Re-arm + harvest vs memory size (1024 dirty pages, 1 vCPU)" "memslot size (GiB)" 1
plot pages "Time per checkpoint vs dirty pages (16 GiB, 1 vCPU)" "dirty pages per checkpoint" 1
plot vcpus "Time per checkpoint vs vCPUs (16 GiB, 1024 dirty pages)" "vCPUs" 1

echo "bench: $got results; wrote ${out#"$top"/}/results.tsv, results.md, memory.png, pages.png, vcpus.png"
exit "$rc"
