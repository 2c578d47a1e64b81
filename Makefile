# Single entry point of the workflow; each target runs one script in
# scripts/, and every script installs what it needs (scripts/deps.sh).
#
#   make run        build what is missing, boot the patched kernel, run the demo
#   make test       check + kernel + selftests + vm-test (what CI runs)
#
# See README for the other targets.

SHELL := /bin/bash
S := scripts

.PHONY: all deps tree export kernel selftests vm-test check test run bench outgoing clean

all: test

deps:
	bash $(S)/deps.sh

tree:
	bash $(S)/tree.sh

export:
	bash $(S)/export.sh

kernel: tree
	bash $(S)/kernel.sh

selftests: tree
	bash $(S)/selftests.sh

# TESTS="x86_64/gfn_ring_test dirty_log_test" to run only those
vm-test: kernel selftests
	bash $(S)/vm-test.sh

check: tree
	bash $(S)/check.sh

test: check
	$(MAKE) --no-print-directory vm-test

run: kernel selftests
	bash $(S)/run.sh

# the checkpoint benchmark sweep in the VM: bench/results.md and bench/*.png
bench: kernel selftests
	bash $(S)/bench.sh

# build/outgoing: the patches and a cover letter (cover-letter.txt), ready
# for git send-email
outgoing: tree
	bash $(S)/outgoing.sh

clean:
	rm -rf build
