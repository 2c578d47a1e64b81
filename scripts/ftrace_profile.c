// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run a command in the benchmark VM with the ftrace function profiler on for
 * a few kernel functions, then print one line per function:
 *
 *   PROFILE tag=TAG func=NAME hits=N total_us=T
 *
 * summed over the CPUs.  With the function graph tracer, a function's time
 * includes the functions it calls.  Used by scripts/bench-profile.sh; the
 * profiling kernel (PROFILE=profile) has the function tracer, the timing
 * runs of make bench do not.
 *
 *   ftrace_profile TAG SET PROGRAM [ARGS...]
 *
 * SET names a list of functions below (gfn: KVM_RESET_DIRTY_PAGES, ring:
 * KVM_RESET_DIRTY_RINGS), which keeps the command line, and the log file
 * named after it, short.  PROGRAM is relative to /tests, like the entries
 * of the initramfs list.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TRACING "/sys/kernel/tracing"

static const struct {
	const char *name, *funcs;
} sets[] = {
	{ "gfn", "kvm_gfn_ring_reset_all,kvm_gfn_ring_read_fetch,"
		 "kvm_gfn_ring_reset,kvm_gfn_ring_sort,kvm_gfn_ring_rearm,kvm_dirty_bitmap_rearm,"
		 "kvm_arch_mmu_enable_log_dirty_pt_masked,kvm_flush_remote_tlbs,kvm_gfn_ring_recover" },
	{ "ring", "kvm_dirty_ring_reset,kvm_arch_mmu_enable_log_dirty_pt_masked,"
		  "kvm_flush_remote_tlbs" },
};

static int put(const char *file, const char *val, int flags)
{
	char path[256];
	int fd, n;

	snprintf(path, sizeof(path), TRACING "/%s", file);
	fd = open(path, O_WRONLY | flags);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	char *funcs, *f, prog[512], name[128], line[512];
	const char *list = NULL;
	int status, cpu;
	size_t i;
	pid_t pid;

	if (argc < 4) {
		fprintf(stderr, "usage: %s TAG SET PROGRAM [ARGS...]\n", argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		if (!strcmp(argv[2], sets[i].name))
			list = sets[i].funcs;
	if (!list) {
		fprintf(stderr, "%s: no function set '%s'\n", argv[0], argv[2]);
		return 2;
	}
	mkdir(TRACING, 0755);
	if (mount("tracefs", TRACING, "tracefs", 0, NULL) && errno != EBUSY) {
		perror("mount tracefs");
		return 1;
	}
	if (put("current_tracer", "function_graph", O_TRUNC) ||
	    put("set_ftrace_filter", "", O_TRUNC)) {
		fprintf(stderr, "no function graph tracer in this kernel\n");
		return 1;
	}
	funcs = strdup(list);
	for (f = strtok(funcs, ","); f; f = strtok(NULL, ","))
		if (put("set_ftrace_filter", f, O_APPEND))
			printf("PROFILE tag=%s func=%s hits=NA total_us=NA (not traceable: inlined?)\n",
			       argv[1], f);
	if (put("function_profile_enabled", "0", O_TRUNC) ||
	    put("function_profile_enabled", "1", O_TRUNC)) {
		fprintf(stderr, "no function profiler in this kernel\n");
		return 1;
	}

	snprintf(prog, sizeof(prog), "/tests/%s", argv[3]);
	pid = fork();
	if (!pid) {
		/* the selftests open their own ELF file by argv[0] */
		argv[3] = prog;
		execv(prog, argv + 3);
		perror(prog);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	put("function_profile_enabled", "0", O_TRUNC);

	funcs = strdup(list);
	for (f = strtok(funcs, ","); f; f = strtok(NULL, ",")) {
		unsigned long hits = 0, h;
		double total = 0, t;
		char unit[8];

		for (cpu = 0; cpu < 64; cpu++) {
			char path[256];
			FILE *fp;

			snprintf(path, sizeof(path), TRACING "/trace_stat/function%d", cpu);
			fp = fopen(path, "r");
			if (!fp)
				break;
			while (fgets(line, sizeof(line), fp)) {
				/* trace_stat shows the first 30 characters */
				if (sscanf(line, " %127s %lu %lf %7s", name, &h, &t, unit) != 4 ||
				    strncmp(name, f, 30))
					continue;
				hits += h;
				total += !strcmp(unit, "ms") ? t * 1000 : t;
			}
			fclose(fp);
		}
		printf("PROFILE tag=%s func=%s hits=%lu total_us=%.1f\n", argv[1], f, hits, total);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
