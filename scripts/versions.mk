# The one place the base tree is pinned.  Both make and the shell scripts
# read this file (scripts/lib.sh parses the same KEY = value lines).
BASE_PKG = linux-source-6.12
BASE_VERSION = 6.12.117-1~deb12u1
