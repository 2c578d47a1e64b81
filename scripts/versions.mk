# The one place the base tree is pinned.  Both make and the shell scripts
# read this file (scripts/lib.sh parses the same KEY = value lines).
# The base is Debian's linux-source package of that version, fetched from
# BASE_SUITE through a private apt configuration (scripts/base.sh); the
# machine's own apt sources are not changed.  When the registry no longer
# has BASE_VERSION, scripts/base.sh takes the newest BASE_PKG it has and
# says so on every run: bump BASE_VERSION then (make check proves the series
# still applies and builds there).
BASE_PKG = linux-source-7.3
BASE_VERSION = 7.3.4-1~bpo13+1
BASE_SUITE = trixie-backports
BASE_TAG = v7.3.4
# QEMU=backports (scripts/vm-test.sh): QEMU of this version from QEMU_SUITE,
# unpacked into build/qemu by scripts/qemu.sh (the default is Debian 12's
# own, 7.2)
QEMU_SUITE = bookworm-backports
QEMU_VERSION = 1:10.0.2+ds-2+deb13u1~bpo12+1
