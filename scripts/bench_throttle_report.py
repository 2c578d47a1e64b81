#!/usr/bin/env python3
"""Turn the console log of scripts/bench-throttle.sh into bench/throttle.tsv,
bench/throttle.md and bench/throttle-{rate,overshoot,bystander,exits}.png (rate: pages dirtied
over time at one target, the mechanisms with at most 4096 entries).

x86/dirty_throttle_perf_test prints one RESULT line per run, mechanism,
target and vCPU, and WINDOWS lines (pages per 10 ms window) at one target.
Per mechanism and target: the median and range over the runs of each
metric, over the vCPUs that dirty memory (achieved/target, worst 10 ms and
100 ms windows, time to settle, exits per second) and over those that only
compute (progress relative to no throttling).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

COLS = ["run", "mech", "knob", "target_pct", "vcpu", "work", "secs", "exits_per_s",
        "free", "rate", "target", "achieved", "worst10", "worst100", "settle_ms",
        "progress_rel"]


def parse(log):
    rows, windows = [], []
    for line in open(log, errors="replace"):
        for tag, out in (("RESULT run=", rows), ("WINDOWS run=", windows)):
            i = line.find(tag)
            if i >= 0:
                out.append(dict(f.split("=", 1) for f in line[i:].split()[1:] if "=" in f))
    return rows, windows


def label(mech, knob):
    if mech == "quota":
        return "quota, no limit" if knob == "0" else f"quota, {knob} ms slices"
    if mech == "gfn":
        return f"gfn rings, soft limit {knob}"
    if mech == "ring":
        return f"dirty ring, {knob} entries"
    return "none"


def fmt(vals, digits=2):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "-"
    med = statistics.median(vals)
    if min(vals) == max(vals):
        return f"{med:.{digits}f}"
    return f"{med:.{digits}f} ({min(vals):.{digits}f}-{max(vals):.{digits}f})"


def num(row, col):
    try:
        return float(row[col])
    except (KeyError, ValueError):
        return None


def per_run(rows, mech, knob, pct, col, compute):
    """One value per run: the mean over the vCPUs of that kind."""
    out = []
    for run in sorted({r["run"] for r in rows}):
        vals = [num(r, col) for r in rows
                if r["run"] == run and r["mech"] == mech and r["knob"] == knob
                and r["target_pct"] == pct and (r["work"] == "compute") == compute]
        vals = [v for v in vals if v is not None]
        if vals:
            out.append(max(vals) if col.startswith("worst") or col == "settle_ms"
                       else statistics.mean(vals))
    return out


def gnuplot(script):
    probe = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True)
    term = "pngcairo font ',10'" if "pngcairo" in probe.stdout + probe.stderr else "png"
    return subprocess.run(["gnuplot"], input=f"set terminal {term} size 900,560\n" + script,
                          text=True).returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--secs", required=True)
    ap.add_argument("--head", default="unknown")
    a = ap.parse_args()

    rows, windows = parse(a.log)
    if not rows:
        sys.exit(f"bench_throttle_report: no RESULT lines in {a.log}")
    runs = sorted({r["run"] for r in rows})
    if len(runs) != a.runs:
        print(f"bench_throttle_report: {len(runs)} of {a.runs} runs in the log", file=sys.stderr)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "throttle.tsv"), "w") as f:
        f.write("\t".join(COLS) + "\n")
        for r in rows:
            f.write("\t".join(r.get(c, "NA") for c in COLS) + "\n")

    mechs = []
    for r in rows:
        k = (r["mech"], r["knob"])
        if k not in mechs and r["target_pct"] != "0":
            mechs.append(k)
    pcts = sorted({r["target_pct"] for r in rows if r["target_pct"] != "0"}, key=int)
    booted = "unknown"
    for line in open(a.log, errors="replace"):
        m = re.search(r"Linux version (\S+) .*(#\d.*)$", line)
        if m:
            booted = f"{m.group(1)} {m.group(2).strip()}"
            break

    md = ["# Dirty-rate throttling: dirty quota against ring full throttling", "",
          f"`make bench-throttle` ({len(runs)} runs of x86/dirty_throttle_perf_test, "
          f"{a.secs} s per point; series at `{a.head}`), production kernel "
          f"(`{booted}`) under QEMU TCG thread=multi, 2 vCPUs in the QEMU VM; in the "
          "KVM guest 2 vCPUs dirty 64 MiB each (one sequentially, one in a random "
          "order) and 1 only computes.  Times are emulated: read the ratios.", "",
          "Targets are percentages of each dirtying vCPU's unthrottled rate, measured "
          "first in the same run.  Each cell: median over the runs (min-max).  "
          "achieved = dirtied/target over the whole point; worst 10/100 ms = the "
          "largest number of pages dirtied in any 10/100 ms window, over the "
          "target's share of that window (the worst vCPU); settle = time until every "
          "100 ms window stays within 25 % of the target (the run's length: never); "
          "exits/s = exits to userspace per second per dirtying vCPU; bystander = "
          "progress of the computing vCPU against no throttling.", ""]

    ref = [r for r in rows if r["target_pct"] == "0"]
    md += ["## Without a limit", "",
           "| mechanism | dirtying vCPUs, pages/s vs reference | bystander progress | exits/s |",
           "|---|---|---|---|"]
    for (mech, knob) in [("none", "0")] + [(r["mech"], r["knob"]) for r in ref
                                           if r["mech"] != "none"]:
        if md[-1].startswith(f"| {label(mech, knob)} |"):
            continue
        sel = [r for r in ref if r["mech"] == mech and r["knob"] == knob]
        rel = []
        for run in runs:
            d = [num(r, "rate") / num(r, "free") for r in sel
                 if r["run"] == run and r["work"] != "compute" and num(r, "free")]
            if d:
                rel.append(statistics.mean(d))
        md.append(f"| {label(mech, knob)} | {fmt(rel)} | "
                  f"{fmt([v for v in per_run(rows, mech, knob, '0', 'progress_rel', True)])} | "
                  f"{fmt(per_run(rows, mech, knob, '0', 'exits_per_s', False), 1)} |")
    md.append("")

    metrics = [("achieved", "achieved / target", 2, False),
               ("worst10", "worst 10 ms window / target", 1, False),
               ("worst100", "worst 100 ms window / target", 2, False),
               ("settle_ms", "settle, ms", 0, False),
               ("exits_per_s", "exits per second per dirtying vCPU", 0, False),
               ("progress_rel", "bystander progress vs no throttling", 2, True)]
    for col, title, digits, compute in metrics:
        md += [f"## {title}", "", "| mechanism | " + " | ".join(f"{p} %" for p in pcts) + " |",
               "|---|" + "---|" * len(pcts)]
        for mech, knob in mechs:
            md.append(f"| {label(mech, knob)} | " + " | ".join(
                fmt(per_run(rows, mech, knob, p, col, compute), digits) for p in pcts) + " |")
        md.append("")

    # The plots: rate over time (run 1, the sequential vCPU), overshoot,
    # bystanders and exits against the target.
    tmp = tempfile.mkdtemp()
    plots = []
    wsel = [w for w in windows if w["run"] == runs[0] and w["vcpu"] == "0"
            and not (w["mech"] in ("gfn", "ring") and int(w["knob"]) > 4096)]
    if wsel:
        cmds = []
        for i, w in enumerate(wsel):
            dat = os.path.join(tmp, f"w{i}.dat")
            with open(dat, "w") as f:
                total = 0
                f.write("0 0\n")
                for j, p in enumerate(w["pages"].split(",")):
                    total += int(p)
                    f.write(f"{(j + 1) * 10} {total / float(w['target'])}\n")
            cmds.append(f"'{dat}' w l lw 1.5 t '{label(w['mech'], w['knob'])}'")
        pct = wsel[0]["target_pct"]
        if gnuplot(f"""set output '{a.out}/throttle-rate.png'
set title "Pages dirtied since the start, in 10 ms windows' worth of the target (sequential vCPU, target {pct} %, run {runs[0]})\\n(production kernel, emulated under TCG: compare the lines, not the numbers)"
set xlabel 'ms'
set ylabel 'pages dirtied / target pages per 10 ms'
set key top left
set grid
plot x / 10 w l dt 2 lw 2 lc rgb 'black' t 'target', {', '.join(cmds)}
"""):
            plots.append("throttle-rate.png")
    for col, name, ylabel, compute, logy in (
            ("worst100", "overshoot", "worst 100 ms window / target", False, True),
            ("progress_rel", "bystander", "bystander progress vs no throttling", True, False),
            ("exits_per_s", "exits", "exits to userspace per second per dirtying vCPU", False, True)):
        dat = os.path.join(tmp, f"{name}.dat")
        cmds = []
        with open(dat, "w") as f:
            for i, (mech, knob) in enumerate(mechs):
                for p in pcts:
                    v = per_run(rows, mech, knob, p, col, compute)
                    if v:
                        f.write(f"{p} {statistics.median(v)} {min(v)} {max(v)}\n")
                f.write("\n\n")
                cmds.append(f"'{dat}' index {i} u 1:2:3:4 w yerrorlines lw 1.5 t '{label(mech, knob)}'")
        if gnuplot(f"""set output '{a.out}/throttle-{name}.png'
set title "{ylabel}, against the target (median, min-max)\\n(production kernel, emulated under TCG: compare the lines, not the numbers)"
set xlabel 'target, % of the unthrottled rate'
set ylabel '{ylabel}'
set logscale x
{'set logscale y' if logy else ''}
set key outside right
set grid
plot {', '.join(cmds)}
"""):
            plots.append(f"throttle-{name}.png")
    md += ["## Plots", ""] + [f"![{p}]({p})" for p in plots] + [""]
    with open(os.path.join(a.out, "throttle.md"), "w") as f:
        f.write("\n".join(md))
    print(f"bench_throttle_report: {len(rows)} RESULT lines, {len(runs)} runs: "
          f"{a.out}/throttle.md, throttle.tsv, " + ", ".join(plots))


if __name__ == "__main__":
    main()
