/* cpus.c: see cpus.h. sched_getaffinity and CPU_COUNT are GNU extensions
 * (in glibc and musl), hence _GNU_SOURCE. Files are read with read(2) and
 * numbers parsed by hand: stdio's reading side and strtoll would add about
 * 6 KB to the static binaries for a few bytes read once at start. */
#define _GNU_SOURCE
#include "cpus.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "num.h"

/* Deepest cgroup path followed (levels), against a corrupt file. */
#define CPUS_MAX_DEPTH 64

unsigned cpus_affinity(void) {
  cpu_set_t set;

  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int c = CPU_COUNT(&set);
    if (c > 0)
      return (unsigned)c;
  }
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 && n < INT_MAX ? (unsigned)n : 1;
}

/* ceil(quota / period) for positive values, else 0 (no limit). */
static unsigned quota_cpus(long long quota, long long period) {
  if (quota <= 0 || period <= 0)
    return 0;
  long long c = (quota + period - 1) / period;
  return c > (long long)UINT_MAX ? UINT_MAX : (unsigned)c;
}

/* A decimal integer (optional '-') at *p, advancing *p; 0 or -1 (no
 * digit, or too big). */
static int read_ll(const char **p, long long *out) {
  const char *s = *p;
  int neg = *s == '-';
  uint64_t v;
  if (neg)
    s++;
  size_t n = strspn(s, "0123456789");
  if (num_parse_u64(s, n, LLONG_MAX, &v) < 0)
    return -1;
  *out = neg ? -(long long)v : (long long)v;
  *p = s + n;
  return 0;
}

int cpus_parse_max(const char *text, unsigned *cpus) {
  const char *p = text;
  long long quota = -1, period;

  if (strncmp(p, "max", 3) == 0)
    p += 3;
  else if (read_ll(&p, &quota) < 0 || quota <= 0)
    return -1;
  if (*p != ' ')
    return -1;
  p++;
  if (read_ll(&p, &period) < 0 || period <= 0)
    return -1;
  if (*p == '\n')
    p++;
  if (*p != '\0')
    return -1;
  *cpus = quota_cpus(quota, period);
  return 0;
}

/* Up to len - 1 bytes of a small file into buf, NUL-terminated; the
 * number of bytes, or -1. */
static ssize_t read_file(const char *path, char *buf, size_t len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  size_t got = 0;
  if (fd < 0)
    return -1;
  while (got < len - 1) {
    ssize_t n = read(fd, buf + got, len - 1 - got);
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  close(fd);
  buf[got] = '\0';
  return (ssize_t)got;
}

/* The first line of a small file into buf; 0 or -1. */
static int read_line(const char *path, char *buf, size_t len) {
  if (read_file(path, buf, len) <= 0)
    return -1;
  buf[strcspn(buf, "\n")] = '\0';
  return 0;
}

/* The limit set in one cgroup directory (v2 or v1 files), 0 if none. */
static unsigned dir_limit(const char *dir, int v2) {
  char path[PATH_MAX + 32], line[128]; /* dir + "/cpu.cfs_period_us" */
  unsigned c = 0;

  if (v2) {
    snprintf(path, sizeof path, "%s/cpu.max", dir);
    if (read_line(path, line, sizeof line) == 0 &&
        cpus_parse_max(line, &c) == 0)
      return c;
    return 0;
  }
  long long quota, period;
  const char *p = line;
  snprintf(path, sizeof path, "%s/cpu.cfs_quota_us", dir);
  if (read_line(path, line, sizeof line) < 0 || read_ll(&p, &quota) < 0)
    return 0;
  snprintf(path, sizeof path, "%s/cpu.cfs_period_us", dir);
  p = line;
  if (read_line(path, line, sizeof line) < 0 || read_ll(&p, &period) < 0)
    return 0;
  return quota_cpus(quota, period);
}

/* The smallest limit from root/path up to root itself (every level that
 * exists counts: a container sees its own cgroup at the mount's root). */
static unsigned walk(const char *root, const char *cgpath, int v2) {
  char dir[PATH_MAX];
  unsigned best = 0;

  if (snprintf(dir, sizeof dir, "%s%s", root, cgpath) >= (int)sizeof dir)
    return 0;
  size_t rootlen = strlen(root);
  for (int depth = 0; depth < CPUS_MAX_DEPTH; depth++) {
    size_t len = strlen(dir);
    while (len > rootlen && dir[len - 1] == '/')
      dir[--len] = '\0';
    unsigned c = dir_limit(dir, v2);
    if (c > 0 && (best == 0 || c < best))
      best = c;
    if (len <= rootlen)
      break;
    char *slash = strrchr(dir + rootlen, '/');
    if (slash == NULL)
      break;
    *slash = '\0';
  }
  return best;
}

static unsigned smaller(unsigned a, unsigned b) {
  if (a == 0)
    return b;
  if (b == 0)
    return a;
  return a < b ? a : b;
}

unsigned cpus_cgroup_limit(const char *sysfs, const char *self_cgroup) {
  unsigned best = 0;
  const char *line = self_cgroup;
  char root[PATH_MAX], cgpath[PATH_MAX];

  while (line != NULL && *line != '\0') {
    const char *eol = strchr(line, '\n');
    size_t len = eol != NULL ? (size_t)(eol - line) : strlen(line);
    /* "ID:CONTROLLERS:PATH"; v2 has ID 0 and no controllers */
    const char *c1 = memchr(line, ':', len);
    const char *c2 =
        c1 != NULL ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
    if (c2 != NULL && (size_t)(line + len - c2) < sizeof cgpath) {
      size_t plen = (size_t)(line + len - (c2 + 1));
      memcpy(cgpath, c2 + 1, plen);
      cgpath[plen] = '\0';
      if (c2 == c1 + 1 && c1 - line == 1 && line[0] == '0') {
        best = smaller(best, walk(sysfs, cgpath, 1));
      } else {
        /* v1: is "cpu" one of the comma-separated controllers? */
        for (const char *t = c1 + 1; t < c2;) {
          const char *comma = memchr(t, ',', (size_t)(c2 - t));
          const char *end = comma != NULL ? comma : c2;
          if (end - t == 3 && strncmp(t, "cpu", 3) == 0) {
            static const char *const dirs[] = {"cpu,cpuacct", "cpu"};
            for (size_t i = 0; i < 2; i++) {
              snprintf(root, sizeof root, "%s/%s", sysfs, dirs[i]);
              best = smaller(best, walk(root, cgpath, 0));
            }
            break;
          }
          t = end + 1;
        }
      }
    }
    line = eol != NULL ? eol + 1 : NULL;
  }
  return best;
}

unsigned cpus_usable(void) {
  char text[4096];
  unsigned n = cpus_affinity();

  if (read_file("/proc/self/cgroup", text, sizeof text) > 0) {
    unsigned limit = cpus_cgroup_limit("/sys/fs/cgroup", text);
    if (limit > 0 && limit < n)
      n = limit;
  }
  return n > 0 ? n : 1;
}
