/* cpus.h: how many CPUs this process may use, the default of --threads.
 *
 * The number of CPUs in the process's affinity mask (taskset, docker
 * --cpuset-cpus), lowered to its cgroup CPU quota rounded up (docker
 * --cpus, a Kubernetes CPU limit): cgroup v2 cpu.max, cgroup v1
 * cpu.cfs_quota_us / cpu.cfs_period_us, at every level from the process's
 * cgroup up to the root of the mount (the smallest limit wins). At
 * least 1. */
#ifndef SL_COMMON_CPUS_H
#define SL_COMMON_CPUS_H

/* The answer for this process: min(affinity, cgroup quota), >= 1. */
unsigned cpus_usable(void);

/* CPUs in the affinity mask (sysconf(_SC_NPROCESSORS_ONLN) if it cannot
 * be read), >= 1. */
unsigned cpus_affinity(void);

/* The cgroup CPU limit in whole CPUs (rounded up), 0 when there is none.
 * sysfs is the cgroup mount (normally "/sys/fs/cgroup"), self_cgroup the
 * text of /proc/self/cgroup. The seam of the unit tests, which build fake
 * trees. */
unsigned cpus_cgroup_limit(const char *sysfs, const char *self_cgroup);

/* One cgroup v2 cpu.max text ("max 100000", "150000 100000\n"): 0 with
 * *cpus = the quota in CPUs rounded up (0 for "max"), -1 if malformed. */
int cpus_parse_max(const char *text, unsigned *cpus);

#endif
