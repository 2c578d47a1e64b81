#!/usr/bin/env python3
"""Print the kernel functions whose body the series adds or changes.

Usage: series-functions.py LINUX BASE HEAD [SYSTEM_MAP]

For each C file or header outside tools/ and Documentation/ that
BASE..HEAD changes, the functions of HEAD's version (a definition starts
at column 0 with "name(" and does not end in ";", and ends at the next "}"
at column 0) that contain an added or changed line.  scripts/kcsan.sh uses
it to tell a data race in the series' code from one elsewhere.

With SYSTEM_MAP (of the kernel the reports come from), a function that
is not in it was inlined wherever it is called: the functions of the same
file that call it are printed too (and so on), as a report names the
function its code was inlined into.
"""
import re
import subprocess
import sys

linux, base, head = sys.argv[1:4]
symbols = None
if len(sys.argv) > 4:
    with open(sys.argv[4]) as f:
        symbols = {line.split()[2] for line in f if len(line.split()) > 2}


def git(*args):
    return subprocess.run(["git", "-C", linux, *args], check=True,
                          capture_output=True, text=True).stdout


DEF = re.compile(r"^[A-Za-z_][^;]*?\b([A-Za-z_]\w*)\s*\((?!.*;\s*$)")
files = [f for f in git("diff", "--name-only", base, head, "--",
                        "*.c", "*.h", ":!tools", ":!Documentation").split()]
names = set()
bodies = {}	# file -> {function: body}
for f in files:
    changed = set()
    for m in re.finditer(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", git(
            "diff", "-U0", base, head, "--", f), re.M):
        start, count = int(m.group(1)), int(m.group(2) or 1)
        changed.update(range(start, start + count))
    try:
        text = git("show", f"{head}:{f}").splitlines()
    except subprocess.CalledProcessError:
        continue	# deleted by the series
    cur = None
    body = bodies.setdefault(f, {})
    for n, line in enumerate(text, 1):
        m = DEF.match(line)
        if m and not line.startswith(("#", "typedef", "struct ", "enum ")):
            cur = m.group(1)
            body[cur] = ""
        if cur:
            body[cur] += line + "\n"
        if cur and n in changed:
            names.add(cur)
        if line.startswith("}"):
            cur = None
if symbols is not None:
    todo = [n for n in names if n not in symbols]
    while todo:
        name = todo.pop()
        call = re.compile(r"\b" + re.escape(name) + r"\s*\(")
        for body in bodies.values():
            if name not in body:
                continue
            for caller, text in body.items():
                if caller != name and caller not in names and call.search(text):
                    names.add(caller)
                    if caller not in symbols:
                        todo.append(caller)
for name in sorted(names):
    print(name)
