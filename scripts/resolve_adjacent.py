#!/usr/bin/env python3
"""Resolve the conflicts of a cherry-pick that are adjacent additions.

Usage: resolve_adjacent.py FILE...   (conflict markers in diff3 style)

Two series that each append to the same list (capability and exit numbers
in include/uapi/linux/kvm.h, sections of api.rst, cases of a switch)
conflict when one is moved across the other, although nothing overlaps.
Each conflict is resolved only if the picked side ("theirs") adds lines at
the start or at the end of the common ancestor ("base") and changes
nothing else: the result is "ours" with those lines added at the same end.
Moving the dirty quota series off the GFN rings drops the ring's lines
(ours has none of them) and keeps the quota's; moving it back on keeps
both.  Anything else is left for a human: exit status 1.
"""
import sys


def resolve(ours, base, theirs):
    """ours with theirs' additions to base, or None."""
    n = len(base)
    if n == 0:
        return ours + theirs            # both add here: ours first
    if theirs[:n] == base:
        return ours + theirs[n:]        # theirs appends to base
    if theirs[len(theirs) - n:] == base:
        return theirs[:len(theirs) - n] + ours
    return None


def resolve_file(path):
    lines = open(path).read().split('\n')
    out, i, bad = [], 0, 0
    while i < len(lines):
        if not lines[i].startswith('<<<<<<< '):
            out.append(lines[i])
            i += 1
            continue
        part, sides = 0, ([], [], [])
        i += 1
        while not lines[i].startswith('>>>>>>> '):
            if lines[i].startswith('||||||| '):
                part = 1
            elif lines[i] == '=======':
                part = 2
            else:
                sides[part].append(lines[i])
            i += 1
        i += 1
        res = resolve(*sides)
        if res is None:
            bad += 1
            sys.stderr.write(f'{path}: a conflict that is not an adjacent '
                             f'addition:\n' + '\n'.join(sides[2]) + '\n')
            out += ['<<<<<<< ours'] + sides[0] + ['||||||| base'] + sides[1]
            out += ['======='] + sides[2] + ['>>>>>>> theirs']
        else:
            out += res
    open(path, 'w').write('\n'.join(out))
    return bad


if __name__ == '__main__':
    sys.exit(1 if sum(resolve_file(p) for p in sys.argv[1:]) else 0)
