#!/usr/bin/env python3
"""Turn the console log of scripts/bench-e2e.sh into bench/e2e.tsv,
bench/e2e.md and bench/e2e-pause.png.

x86/dirty_migration_test prints one RESULT line per scenario and run
(run=N, its -x argument): precopy_quota, precopy_none and postcopy once,
pipeline once per checkpoint interval.  The tables give every run; the plot
gives the median pause of the classic and the pipelined checkpoints against
the dirty set size, one point per interval and run.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile


def parse(log):
    rows = []
    for line in open(log, errors="replace"):
        i = line.find("RESULT scenario=")
        if i >= 0:
            rows.append(dict(f.split("=", 1) for f in line[i:].split()[1:] if "=" in f))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--head", default="unknown")
    a = ap.parse_args()
    rows = parse(a.log)
    if not rows:
        sys.exit(f"bench_e2e_report: no RESULT lines in {a.log}")
    os.makedirs(a.out, exist_ok=True)
    cols = sorted({k for r in rows for k in r})
    with open(os.path.join(a.out, "e2e.tsv"), "w") as f:
        f.write("\t".join(cols) + "\n")
        for r in rows:
            f.write("\t".join(r.get(c, "NA") for c in cols) + "\n")

    mig = [r for r in rows if r["scenario"] != "pipeline"]
    pipe = [r for r in rows if r["scenario"] == "pipeline"]
    md = ["# End to end: live migration, postcopy, pipelined checkpoints", "",
          f"`make bench-e2e` (x86/dirty_migration_test, series at `{a.head}`), "
          "production kernel under QEMU TCG thread=multi, 2 vCPUs writing random "
          "pages of 16 MiB each.  Times are emulated: read the ratios.  Every "
          "line was checked page by page (exact=1).", "",
          "## Live migration", "",
          "link = a quarter of the guest's unthrottled dirty rate (pages dirtied again after a re-arm, measured first); the "
          "dirty quota holds each vCPU at a quarter of the link rate; budget = "
          "pages the link carries in 50 ms.", "",
          "| run | scenario | rounds | converged | pages sent / memslot | last dirty set / budget "
          "| downtime ms | quota exits | demand faults | fault service us (avg, max) |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for r in mig:
        faults = r.get("demand_faults", "-")
        svc = (f"{r['fault_us_avg']}, {r['fault_us_max']}" if "fault_us_avg" in r else "-")
        md.append(f"| {r.get('run', '1')} | {r['scenario']} | {r['rounds']} | {r['converged']} | "
                  f"{int(r['sent']) / int(r['pages']):.2f} | "
                  f"{int(r['last']) / max(1, int(r['budget'])):.2f} | {r['downtime_ms']} | "
                  f"{r['quota_exits']} | {faults} | {svc} |")
    md += ["", "## Checkpoints: classic against pipelined", "",
           "pause = from the stop request to the resume (median); work = the part "
           "after every vCPU stopped; max/s = checkpoints per second the pause and, "
           "when pipelined, the copy that must end before the next one allow.", "",
           "| run | interval ms | dirty pages (classic, pipelined) | pause us classic | "
           "pipelined | ratio | work ratio | max/s classic | pipelined | copy-before-write "
           "faults / ckpt | guest page writes/s (writes to pages already dirty cost no exit) |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in pipe:
        md.append(f"| {r.get('run', '1')} | {r['interval_ms']} | {r['classic_dirty']}, "
                  f"{r['pipelined_dirty']} | {r['classic_pause_us']} | "
                  f"{r['pipelined_pause_us']} | {r['ratio']} | {r['work_ratio']} | "
                  f"{r['classic_max_per_s']} | {r['pipelined_max_per_s']} | "
                  f"{r['cow_faults_per_ckpt']} | {r['writes_per_s']} |")
    md.append("")
    tmp = tempfile.mkdtemp()
    dat = os.path.join(tmp, "pause.dat")
    with open(dat, "w") as f:
        for r in pipe:
            f.write(f"{r['classic_dirty']} {float(r['classic_pause_us']) / 1e3} "
                    f"{r['pipelined_dirty']} {float(r['pipelined_pause_us']) / 1e3}\n")
    probe = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True)
    term = "pngcairo font ',10'" if "pngcairo" in probe.stdout + probe.stderr else "png"
    ok = subprocess.run(["gnuplot"], text=True, input=f"""set terminal {term} size 800,520
set output '{a.out}/e2e-pause.png'
set title "Pause per checkpoint against the dirty set (median per interval and run)\\n(production kernel, emulated under TCG: compare the points, not the numbers)"
set xlabel 'dirty pages per checkpoint'
set ylabel 'pause, ms'
set logscale x
set key top left
set grid
plot '{dat}' u 1:2 w p pt 7 ps 1.3 t 'classic: stop, copy, resume', \\
     '' u 3:4 w p pt 5 ps 1.3 t 'pipelined: stop, write-protect, resume'
""").returncode == 0
    if ok:
        md += ["![e2e-pause.png](e2e-pause.png)", ""]
    with open(os.path.join(a.out, "e2e.md"), "w") as f:
        f.write("\n".join(md))
    print(f"bench_e2e_report: {len(rows)} RESULT lines: {a.out}/e2e.md, e2e.tsv"
          + (", e2e-pause.png" if ok else ""))


if __name__ == "__main__":
    main()
