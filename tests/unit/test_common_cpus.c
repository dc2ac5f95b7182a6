/* test_common_cpus.c: the default of --threads (cpus.h): cgroup v2
 * cpu.max and v1 cfs quota files in fake trees under a temporary
 * directory (the seam: the mount point and /proc/self/cgroup's text), and
 * the affinity count against a mask this test sets itself. */
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpus.h"

static char root[64];

static int mk_root(void **state) {
  (void)state;
  snprintf(root, sizeof root, "/tmp/test_common_cpus.XXXXXX");
  return mkdtemp(root) != NULL ? 0 : -1;
}

static int rm_root(void **state) {
  char cmd[128];
  (void)state;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  return system(cmd) == 0 ? 0 : -1;
}

/* Writes text into root/rel, creating the directories on the way. */
static void put(const char *rel, const char *text) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  for (char *p = path + strlen(root) + 1; *p != '\0'; p++) {
    if (*p == '/') {
      *p = '\0';
      mkdir(path, 0755);
      *p = '/';
    }
  }
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Bug caught: "max" read as a limit, a fraction of a CPU rounded down to
 * 0 threads, malformed files taken for limits. */
static void parse_cpu_max(void **state) {
  (void)state;
  unsigned c = 99;
  assert_int_equal(cpus_parse_max("max 100000\n", &c), 0);
  assert_int_equal(c, 0);
  assert_int_equal(cpus_parse_max("150000 100000\n", &c), 0);
  assert_int_equal(c, 2);
  assert_int_equal(cpus_parse_max("50000 100000", &c), 0);
  assert_int_equal(c, 1);
  assert_int_equal(cpus_parse_max("200000 100000", &c), 0);
  assert_int_equal(c, 2);
  assert_int_equal(cpus_parse_max("1 100000", &c), 0);
  assert_int_equal(c, 1);
  const char *bad[] = {"",
                       "max",
                       "100000",
                       "x 100000",
                       "100000 0",
                       "-5 100000",
                       "100000 100000 junk",
                       "0 100000"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(cpus_parse_max(bad[i], &c), -1);
}

/* Bug caught: cgroup v2 limits ignored, only the leaf read (a parent's
 * tighter limit missed), or the smallest not taken. */
static void v2_smallest_limit_on_the_path(void **state) {
  (void)state;
  put("kubepods/cpu.max", "300000 100000\n");
  put("kubepods/pod1/cpu.max", "max 100000\n");
  put("kubepods/pod1/ctr/cpu.max", "250000 100000\n");
  assert_int_equal(cpus_cgroup_limit(root, "0::/kubepods/pod1/ctr\n"), 3);
  put("kubepods/pod1/cpu.max", "120000 100000\n");
  assert_int_equal(cpus_cgroup_limit(root, "0::/kubepods/pod1/ctr\n"), 2);
  /* no limit anywhere */
  put("free/cpu.max", "max 100000\n");
  assert_int_equal(cpus_cgroup_limit(root, "0::/free\n"), 0);
}

/* Bug caught: a container (private cgroup namespace, or a v1 mount of its
 * own cgroup) whose path in /proc/self/cgroup does not exist under the
 * mount: the limit at the mount's root must still count. */
static void v2_container_root(void **state) {
  (void)state;
  put("cpu.max", "50000 100000\n");
  assert_int_equal(cpus_cgroup_limit(root, "0::/\n"), 1);
  assert_int_equal(cpus_cgroup_limit(root, "0::/docker/abc\n"), 1);
}

/* Bug caught: cgroup v1 quota ignored (docker on cgroup v1: this
 * project's machines), -1 read as a limit, the "cpu,cpuacct" controller
 * list not recognised, another controller's line taken. */
static void v1_cfs_quota(void **state) {
  (void)state;
  put("cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "150000\n");
  put("cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
  put("cpu,cpuacct/docker/cpu.cfs_quota_us", "-1\n");
  put("cpu,cpuacct/docker/cpu.cfs_period_us", "100000\n");
  const char *self = "12:memory:/docker/abc\n"
                     "4:cpu,cpuacct:/docker/abc\n"
                     "1:name=systemd:/docker/abc\n"
                     "0::/docker/abc\n";
  assert_int_equal(cpus_cgroup_limit(root, self), 2);
  /* only the memory line: no cpu limit */
  assert_int_equal(cpus_cgroup_limit(root, "12:memory:/docker/abc\n"), 0);
  /* "cpuset" is not "cpu" */
  assert_int_equal(cpus_cgroup_limit(root, "5:cpuset:/docker/abc\n"), 0);
}

/* Bug caught: garbage in /proc/self/cgroup crashing or read as a limit. */
static void garbage_is_no_limit(void **state) {
  (void)state;
  const char *junk[] = {
      "", "\n", ":::\n", "0:", "x", "4:cpu\n", "0::/../../../../etc\n"};
  for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
    assert_int_equal(cpus_cgroup_limit(root, junk[i]), 0);
}

/* Bug caught: the affinity mask ignored (taskset, --cpuset-cpus): a
 * process pinned to one CPU of many must count 1. */
static void affinity_counts_the_mask(void **state) {
  (void)state;
  cpu_set_t old, one;
  assert_int_equal(sched_getaffinity(0, sizeof old, &old), 0);
  int first = -1;
  for (int i = 0; i < CPU_SETSIZE && first < 0; i++)
    if (CPU_ISSET(i, &old))
      first = i;
  assert_true(first >= 0);
  assert_int_equal(cpus_affinity(), (unsigned)CPU_COUNT(&old));
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  assert_int_equal(sched_setaffinity(0, sizeof one, &one), 0);
  unsigned got = cpus_affinity();
  unsigned usable = cpus_usable();
  assert_int_equal(sched_setaffinity(0, sizeof old, &old), 0);
  assert_int_equal(got, 1);
  assert_int_equal(usable, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parse_cpu_max),
      cmocka_unit_test_setup_teardown(v2_smallest_limit_on_the_path, mk_root,
                                      rm_root),
      cmocka_unit_test_setup_teardown(v2_container_root, mk_root, rm_root),
      cmocka_unit_test_setup_teardown(v1_cfs_quota, mk_root, rm_root),
      cmocka_unit_test_setup_teardown(garbage_is_no_limit, mk_root, rm_root),
      cmocka_unit_test(affinity_counts_the_mask),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
