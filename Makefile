# Single entry point of the workflow; each target runs one script in
# scripts/, and every script installs what it needs (scripts/deps.sh).
#
#   make run        build what is missing, boot the patched kernel, run the demo
#   make test       check + kernel + selftests + gate (what CI runs)
#   make test-arm64 the same series on arm64 KVM: kernel, selftests and
#                   tests/gate-arm64.list (ARCH=arm64); not part of make test
#
# ARCH=arm64 on the command line gives kernel, selftests and vm-test the
# arm64 workspace (build/*-arm64).  LINUX=dir builds that tree as it is:
# make tree, which would remake it, is then left out.
# See docs/targets.md for the other targets.

SHELL := /bin/bash
S := scripts

.PHONY: all deps tree export kernel selftests vm-test gate gate-base check test test-arm64 test-pages run bench bench-throttle bench-e2e bench-profile send proofs kcsan clean

TREE := $(if $(LINUX),,tree)

all: test

deps:
	bash $(S)/deps.sh

tree:
	bash $(S)/tree.sh

export:
	bash $(S)/export.sh

kernel: $(TREE)
	bash $(S)/kernel.sh

selftests: $(TREE)
	bash $(S)/selftests.sh

# TESTS="gfn_ring_test dirty_log_test" to run only those
vm-test: kernel selftests
	bash $(S)/vm-test.sh

check: tree
	bash $(S)/check.sh

# both gate lists, thread=single and thread=multi (scripts/gate.sh)
gate: kernel selftests
	bash $(S)/gate.sh

# tests/tcg-known-failures.list on the unpatched base (build/base): each must
# fail there too (scripts/gate-base.sh); not part of make test
gate-base: tree
	bash $(S)/gate-base.sh

# check and gate, check's builds on one core beside the gate's thread=single
# half (scripts/test.sh)
test: tree
	bash $(S)/test.sh

# the arm64 workspace: deps, kernel, selftests, then tests/gate-arm64.list
# (build/vm-test-arm64)
test-arm64: $(TREE)
	ARCH=arm64 bash $(S)/deps.sh
	ARCH=arm64 bash $(S)/kernel.sh
	ARCH=arm64 bash $(S)/selftests.sh
	ARCH=arm64 SELFTESTS_BUILT=1 bash $(S)/vm-test.sh

# tests/gate-arm64-test.list on arm64 hosts with 16 KiB and 64 KiB pages
# (scripts/test-pages.sh; PAGES=64k for one)
test-pages: $(TREE)
	bash $(S)/test-pages.sh

# the KCSAN kernel (config/kcsan.config) runs tests/kcsan.list under TCG
# thread=multi; fails on a data race in the series' code (scripts/kcsan.sh)
kcsan: selftests
	bash $(S)/kcsan.sh

run: kernel selftests
	bash $(S)/run.sh

# the checkpoint benchmark sweep on the production kernel (its own build):
# bench/results.md and bench/*.png
bench: tree
	bash $(S)/bench.sh

# dirty-rate throttling: dirty quota against ring full throttling, on the
# production kernel: bench/throttle.md and bench/throttle-*.png
bench-throttle: tree
	bash $(S)/bench-throttle.sh

# the end-to-end jobs (live migration, postcopy, classic against pipelined
# checkpoints) on the production kernel: bench/e2e.md and bench/e2e-pause.png
bench-e2e: tree
	bash $(S)/bench-e2e.sh

# where KVM_RESET_DIRTY_PAGES spends its time (ftrace profiler, own kernel):
# bench/profile.md
bench-profile: tree
	bash $(S)/bench-profile.sh

# build/send/NAME-vN: the mails of each series, checked to apply
# (scripts/send.sh); a dry run
# unless SEND=1.  V=N revision, RFC=0 for [PATCH], B4=1 also through b4
send: tree
	bash $(S)/send.sh

# the ordering and protocol proofs of proofs/: herd7 litmus tests against
# the kernel memory model of build/linux, and the Spin model
# (scripts/proofs.sh, proofs/README.md); make check runs it too
proofs:
	bash $(S)/proofs.sh

clean:
	rm -rf build
