#!/usr/bin/env python3
# Lint the changelogs of git format-patch files against the KVM x86 rules
# (Documentation/process/maintainer-kvm-x86.rst, "Shortlog" and
# "Changelog") and submitting-patches.rst:
#  - shortlog "KVM: <topic>: Capitalized description", topic from the list
#    of maintainer-kvm-x86.rst (or none, for generic KVM), no final period,
#    75 columns firm (a warning), 80 hard;
#  - body lines of at most 75 columns, but for URLs, indented quotes of
#    logs or code (4 spaces or a tab) and Fixes: tags, which may not be
#    wrapped;
#  - no "this patch"/"this commit", no pronouns (imperative mood);
#  - a Signed-off-by: of the author.
# Usage: lint-changelog.py PATCH...; exit 1 if any rule is broken.
import email
import email.policy
import re
import sys

TOPICS = ('x86', 'x86/mmu', 'x86/pmu', 'x86/xen', 'selftests', 'SVM', 'nSVM',
          'VMX', 'nVMX', 'arm64')
PRONOUNS = re.compile(r"\b(we|We|us|our|Our|I|my|My)\b(?!/)")
THIS_PATCH = re.compile(r'\bthis (patch|commit)\b', re.IGNORECASE)


def lint(path):
    errs, warns = [], []
    with open(path, 'rb') as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    subject = re.sub(r'^\[[^]]*\]\s*', '', str(msg['Subject']))
    author = email.utils.parseaddr(str(msg['From']))
    text = msg.get_payload(decode=True).decode('utf-8', 'replace')
    body = text.split('\n---\n', 1)[0].rstrip('\n')
    lines = body.split('\n')

    m = re.match(r'KVM: (?:([^:]+): )?(.*)$', subject)
    if not m:
        errs.append(f'shortlog "{subject}" does not start with "KVM: "')
    else:
        topic, desc = m.groups()
        if topic is not None and topic not in TOPICS:
            errs.append(f'shortlog topic "{topic}" is not one of {", ".join(TOPICS)}')
        if not desc[:1].isupper():
            errs.append(f'shortlog "{subject}": capitalize the first word')
        if desc.endswith('.'):
            errs.append(f'shortlog "{subject}" ends with a period')
    if len(subject) > 80:
        errs.append(f'shortlog is {len(subject)} columns (80 at most)')
    elif len(subject) > 75:
        warns.append(f'shortlog is {len(subject)} columns (75 preferred)')

    prose = [l for l in lines if not re.match(r'(    |\t)', l)]
    if not [l for l in prose if l.strip() and not re.match(r'[\w-]+: ', l)]:
        errs.append('empty changelog')
    for n, line in enumerate(lines, 1):
        if len(line) > 75 and '://' not in line and not re.match(r'(    |\t|Fixes: )', line):
            errs.append(f'changelog line {n} is {len(line)} columns: {line[:40]}...')
    for n, line in enumerate(prose, 1):
        if re.match(r'[\w-]+: ', line):
            continue
        if THIS_PATCH.search(line):
            errs.append(f'"{THIS_PATCH.search(line).group(0)}": describe the change in imperative mood')
        p = PRONOUNS.search(line)
        if p:
            errs.append(f'pronoun "{p.group(0)}" in "{line.strip()}"')

    sobs = [email.utils.parseaddr(l.split(':', 1)[1].strip())
            for l in lines if l.startswith('Signed-off-by:')]
    if not sobs:
        errs.append('no Signed-off-by:')
    elif author[1] not in [a for _, a in sobs]:
        errs.append(f'no Signed-off-by: of the author <{author[1]}>')
    return errs, warns


def main():
    bad = 0
    for path in sys.argv[1:]:
        errs, warns = lint(path)
        name = path.rsplit('/', 1)[-1]
        for w in warns:
            print(f'lint-changelog: {name}: warning: {w}')
        for e in errs:
            print(f'lint-changelog: {name}: {e}')
        bad += bool(errs)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
