#!/usr/bin/env python3
"""Turn the console log of scripts/bench.sh into bench/results.{tsv,md} and
bench/{memory,pages,vcpus}.png.

Every RESULT line of x86/dirty_checkpoint_perf_test belongs to the test
that printed it (the @@TEST marker before it); its run number is the -r
argument.  Per point and mechanism: median and range over the runs.  Ratios
other / gfn are taken per run (the mechanisms of a run were measured next
to each other), then their median and range.  A least-squares line over the
dirty-page sweep gives each mechanism's fixed cost per checkpoint and cost
per dirty page.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

MECHS = ["gfn", "ring", "bitmap"]
COLS = ["mode", "trigger", "mem_mib", "vcpus", "pages", "ws_pages", "checkpoints",
        "dirty_avg", "dup_avg", "harvest_us", "rearm_us", "copy_us", "total_us",
        "harvest_ms_total", "rearm_ms_total", "copy_ms_total", "ckpt_ms_total",
        "run_ms_total", "ckpt_per_s", "overall_per_s"]
MEMORY = [(g, (g * 1024, 1024, 1)) for g in (1, 4, 16, 64)]
PAGES = [(p, (16384, p, 1)) for p in (64, 256, 1024, 4096, 16384)]
VCPUS = [(v, (16384, 1024, v)) for v in (1, 2, 4)]


def parse(log):
    rows, test = [], None
    marker = re.compile(r"@@TEST (\S+) START")
    for line in open(log, errors="replace"):
        m = marker.search(line)
        if m:
            test = m.group(1)
            continue
        i = line.find("RESULT mode=")
        if i < 0 or test is None:
            continue
        kv = dict(f.split("=", 1) for f in line[i:].split()[1:] if "=" in f)
        m = re.search(r",-r,(\d+)", test)
        kv["run"] = m.group(1) if m else "1"
        rows.append(kv)
    return rows


def num(row, col):
    try:
        return float(row[col])
    except (KeyError, ValueError):
        return None


def key(row):
    return (row.get("mode"), int(row["mem_mib"]), int(row["pages"]), int(row["vcpus"]))


def tracking(row):
    h, r = num(row, "harvest_us"), num(row, "rearm_us")
    return None if h is None or r is None else h + r


def stats(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return None
    return statistics.median(vals), min(vals), max(vals)


def fmt(s, digits=1):
    if s is None:
        return "NA"
    med, lo, hi = s
    return f"{med:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f})"


class Data:
    def __init__(self, rows):
        self.by = {}
        for r in rows:
            self.by.setdefault(key(r), {})[r["run"]] = r

    def values(self, mech, pt, f):
        runs = self.by.get((mech, *pt), {})
        return {run: f(r) for run, r in runs.items()}

    def stat(self, mech, pt, f):
        return stats(self.values(mech, pt, f).values())

    def ratio(self, mech, pt, f):
        """other / gfn, per run, then median and range."""
        g, o = self.values("gfn", pt, f), self.values(mech, pt, f)
        return stats([o[r] / g[r] for r in g if r in o and g[r] and o[r] is not None])


def fit(xs, ys):
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if not sxx:
        return None
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return my - b * mx, b


def sweep_md(d, title, unit, pts):
    out = [f"### {title}", "",
           "harvest + re-arm, microseconds: median (min-max) over the runs; ratio =",
           "other / gfn per run, median (min-max): above 1, gfn is faster.", "",
           f"| {unit} | gfn | ring | bitmap | ring/gfn | bitmap/gfn | re-arm gfn | re-arm ring | re-arm bitmap |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    rearm = lambda r: num(r, "rearm_us")
    for x, pt in pts:
        cells = [fmt(d.stat(m, pt, tracking)) for m in MECHS]
        cells += [fmt(d.ratio(m, pt, tracking), 2) for m in ("ring", "bitmap")]
        cells += [fmt(d.stat(m, pt, rearm)) for m in MECHS]
        out.append(f"| {x} | " + " | ".join(cells) + " |")
    return out + [""]


def goals_md(d):
    out = ["### Goals (issue: re-arming as cheap as the bitmap's)", "",
           "Median ratio of harvest + re-arm, gfn / other, per point.", "",
           "| point | gfn/bitmap (goal <= 1) | gfn/ring (goal: <= 0.5 from 1024 pages, <= 1 at 64) |",
           "|---|---:|---:|"]
    seen = set()
    for _, pt in MEMORY + PAGES + VCPUS:
        if pt in seen:
            continue
        seen.add(pt)
        rb, rr = d.ratio("bitmap", pt, tracking), d.ratio("ring", pt, tracking)
        inv = lambda s: "NA" if s is None else f"{1 / s[0]:.2f}"
        out.append(f"| {pt[0] // 1024} GiB, {pt[1]} pages, {pt[2]} vCPU | {inv(rb)} | {inv(rr)} |")
    g1, g64 = d.stat("gfn", MEMORY[0][1], tracking), d.stat("gfn", MEMORY[-1][1], tracking)
    if g1 and g64:
        out += ["", f"Flat in memory: gfn at 64 GiB / at 1 GiB = {g64[0] / g1[0]:.2f} (goal <= 1.10)."]
    return out + [""]


def fit_md(d):
    out = ["### Cost per dirty page and fixed cost per checkpoint", "",
           "Least squares over the dirty-page sweep (16 GiB, 1 vCPU, 64-16384 pages),",
           "on the median of each point: time = fixed + per_page x pages.", "",
           "| mechanism | harvest + re-arm: fixed (us) | per page (us) | re-arm only: fixed (us) | per page (us) |",
           "|---|---:|---:|---:|---:|"]
    xs = [pt[1] for _, pt in PAGES]
    for m in MECHS:
        cols = []
        for f in (tracking, lambda r: num(r, "rearm_us")):
            ys = [d.stat(m, pt, f) for _, pt in PAGES]
            pairs = [(x, y[0]) for x, y in zip(xs, ys) if y]
            ab = fit([p[0] for p in pairs], [p[1] for p in pairs])
            cols += ["NA", "NA"] if ab is None else [f"{ab[0]:.1f}", f"{ab[1]:.3f}"]
        out.append(f"| {m} | " + " | ".join(cols) + " |")
    return out + [""]


def plot(d, name, title, xlabel, pts, outdir, logx):
    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as f:
        for x, pt in pts:
            row = [str(x)]
            for m in MECHS:
                s = d.stat(m, pt, tracking)
                row += ["NA"] * 3 if s is None else [f"{v:.2f}" for v in s]
            f.write(" ".join(row) + "\n")
        dat = f.name
    term = "png"
    probe = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True)
    if "pngcairo" in probe.stdout + probe.stderr:
        term = "pngcairo font ',10'"
    script = f"""
set terminal {term} size 800,520
set output '{outdir}/{name}.png'
set title "{title}\\n(production kernel, emulated under TCG: compare the lines, not the numbers)"
set xlabel '{xlabel}'
set ylabel 'harvest + re-arm, us per checkpoint (median, min-max)'
set logscale y
{'set logscale x 2' if logx else ''}
set key top left
set grid
set datafile missing 'NA'
plot '{dat}' u 1:2:3:4 w yerrorlines lw 2 pt 7 lc rgb '#1b9e77' t 'gfn rings', \\
     '' u 1:5:6:7 w yerrorlines lw 2 pt 5 lc rgb '#7570b3' t 'dirty ring', \\
     '' u 1:8:9:10 w yerrorlines lw 2 pt 9 lc rgb '#d95f02' t 'bitmap (manual protect)'
"""
    r = subprocess.run(["gnuplot"], input=script, text=True)
    os.unlink(dat)
    return r.returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--checkpoints", type=int, required=True)
    ap.add_argument("--expect", type=int, required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--head", default="unknown")
    a = ap.parse_args()

    rows = parse(a.log)
    if not rows:
        sys.exit(f"bench_report: no RESULT lines in {a.log}")
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "results.tsv"), "w") as f:
        f.write("\t".join(["run"] + COLS) + "\n")
        for r in rows:
            f.write("\t".join([r["run"]] + [r.get(c, "NA") for c in COLS]) + "\n")

    d = Data(rows)
    booted = "unknown"
    for line in open(a.log, errors="replace"):
        m = re.search(r"Linux version (\S+) .*(#\d.*)$", line)
        if m:
            booted = f"{m.group(1)} {m.group(2).strip()}"
            break
    config = [l.strip() for l in open(a.config) if l.startswith("CONFIG_")]
    md = ["# Dirty page tracking for checkpointing: gfn rings vs dirty ring vs bitmap", "",
          "**All times are emulated: QEMU TCG runs the test kernel, and KVM runs",
          "nested on the emulated SVM (no PML).  Absolute numbers say nothing about",
          "real hardware; only the ratios between the mechanisms, measured in the",
          "same VM run, next to each other, are meaningful.**", "",
          f"Each point ran {a.runs} times (seeds 1..{a.runs}), the mechanisms interleaved;",
          "each run is one `x86/dirty_checkpoint_perf_test`: the guest dirties the",
          "given number of random pages of a working set of max(4096, 2 x pages)",
          f"pages at the start of a sparse memslot; at each of {a.checkpoints} checkpoints the host",
          "harvests the dirty set (gfn: the vCPU and per-VM rings; ring: the dirty",
          "rings, flag by flag as dirty_log_test does; bitmap: KVM_GET_DIRTY_LOG and",
          "a scan of the bitmap), re-arms tracking (KVM_RESET_DIRTY_PAGES;",
          "KVM_RESET_DIRTY_RINGS; KVM_CLEAR_DIRTY_LOG of only the runs of words with",
          "dirty bits) and copies the pages to a standby image, which is checked",
          "against guest memory.  A run's time is the median over its checkpoints.", "",
          f"Kernel: the production config, booted {booted}, tree HEAD {a.head}:",
          "allnoconfig plus " + ", ".join(c.replace("CONFIG_", "").replace("=y", "") for c in config) +
          "; no DEBUG_KERNEL, lockdep or DEBUG_ATOMIC_SLEEP.",
          "QEMU -accel tcg,thread=multi with 2 guest CPUs on 2 host cores: 2 vCPUs run",
          "in parallel; 4 vCPUs share the 2 CPUs.", "",
          f"Results: {len(rows)} of {a.expect} runs.  Raw data: results.tsv.", "",
          "![memory](memory.png) ![pages](pages.png) ![vcpus](vcpus.png)", ""]
    md += goals_md(d)
    md += fit_md(d)
    md += sweep_md(d, "Memory size (sparse memslot), 1024 dirty pages, 1 vCPU", "GiB", MEMORY)
    md += sweep_md(d, "Dirty pages per checkpoint, 16 GiB, 1 vCPU", "pages", PAGES)
    md += sweep_md(d, "vCPUs, 16 GiB, 1024 dirty pages in all", "vCPUs", VCPUS)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write("\n".join(md))

    ok = len(rows) == a.expect
    ok &= plot(d, "memory", "harvest + re-arm vs memory size (1024 dirty pages, 1 vCPU)",
               "memslot size (GiB)", MEMORY, a.out, True)
    ok &= plot(d, "pages", "harvest + re-arm vs dirty pages (16 GiB, 1 vCPU)",
               "dirty pages per checkpoint", PAGES, a.out, True)
    ok &= plot(d, "vcpus", "harvest + re-arm vs vCPUs (16 GiB, 1024 dirty pages)",
               "vCPUs", VCPUS, a.out, False)
    print(f"bench: {len(rows)} of {a.expect} results; wrote {a.out}/results.tsv, results.md, "
          "memory.png, pages.png, vcpus.png")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
