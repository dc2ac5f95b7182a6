/*
 * startprobe: time from starting a command (e.g. `docker run -d ...`) to the
 * first HTTP 200 answer of a URL, on CLOCK_MONOTONIC.
 *
 *   startprobe [--timeout SECONDS] [--interval-us N] --url URL -- CMD [ARG...]
 *
 * URL is http://A.B.C.D:PORT/PATH (an IPv4 literal: the harness only talks to
 * loopback). The clock starts just before fork(); the command runs in a
 * child (its stdout goes to our stderr so our stdout stays machine-readable)
 * while this process polls the URL every --interval-us microseconds
 * (default 1000): connect, send `GET PATH HTTP/1.0`, read the status line.
 * The clock stops at the first status 200. On success one line on stdout:
 *
 *   seconds=S command_seconds=C attempts=N
 *
 * S: start to first 200 (µs resolution); C: how long the command itself ran
 * (-1 if it had not finished when the URL answered, measured after the wait);
 * N: polls made. Exit 0 on success, 1 on failure (command exited non-zero,
 * timeout; message on stderr), 2 on usage errors.
 */
#define _DEFAULT_SOURCE /* SOCK_NONBLOCK and SOCK_CLOEXEC are Linux socket() flags */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct probe_target {
	struct sockaddr_in addr;
	char path[1024];
};

static double probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int probe_parse_url(const char *url, struct probe_target *t)
{
	const char *p = url, *colon, *slash;
	char host[64];
	char *end;
	unsigned long port;
	size_t n;

	if (strncmp(p, "http://", 7) != 0)
		return -1;
	p += 7;
	colon = strchr(p, ':');
	if (colon == NULL)
		return -1;
	n = (size_t)(colon - p);
	if (n == 0 || n >= sizeof host)
		return -1;
	memcpy(host, p, n);
	host[n] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno != 0 || end == colon + 1 || port == 0 || port > 65535)
		return -1;
	slash = end;
	if (*slash != '\0' && *slash != '/')
		return -1;
	memset(&t->addr, 0, sizeof t->addr);
	t->addr.sin_family = AF_INET;
	t->addr.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, host, &t->addr.sin_addr) != 1)
		return -1;
	if (*slash == '\0')
		slash = "/";
	if (strlen(slash) >= sizeof t->path)
		return -1;
	strcpy(t->path, slash);
	return 0;
}

/* Wait until fd is ready for events or the deadline (monotonic seconds)
 * passes. Returns 1 ready, 0 timeout, -1 error. */
static int probe_wait(int fd, short events, double deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	double left = deadline - probe_now();
	int ms, rc;

	if (left <= 0)
		return 0;
	ms = (int)(left * 1000.0) + 1;
	rc = poll(&pfd, 1, ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -1;
	return rc > 0 ? 1 : 0;
}

/* One attempt: 1 when the URL answered 200, 0 otherwise. */
static int probe_once(const struct probe_target *t, double deadline)
{
	char req[1200], buf[64];
	size_t got = 0;
	int fd, ok = 0, err = 0, len;
	socklen_t elen = sizeof err;
	ssize_t r;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	if (connect(fd, (const struct sockaddr *)&t->addr, sizeof t->addr) < 0) {
		if (errno != EINPROGRESS)
			goto out;
		if (probe_wait(fd, POLLOUT, deadline) != 1)
			goto out;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err != 0)
			goto out;
	}
	len = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: probe\r\nConnection: close\r\n\r\n",
		       t->path);
	if (len < 0 || (size_t)len >= sizeof req)
		goto out;
	if (send(fd, req, (size_t)len, MSG_NOSIGNAL) != len)
		goto out;
	while (got < 12) {
		if (probe_wait(fd, POLLIN, deadline) != 1)
			goto out;
		r = recv(fd, buf + got, sizeof buf - 1 - got, 0);
		if (r <= 0)
			goto out;
		got += (size_t)r;
	}
	buf[got] = '\0';
	ok = strncmp(buf, "HTTP/1.", 7) == 0 && strncmp(buf + 8, " 200", 4) == 0;
out:
	close(fd);
	return ok;
}

static void probe_usage(void)
{
	fprintf(stderr, "usage: startprobe [--timeout SECONDS] [--interval-us N] --url http://IPV4:PORT/PATH -- CMD [ARG...]\n");
}

int main(int argc, char **argv)
{
	struct probe_target target;
	const char *url = NULL;
	double timeout = 60.0, t0, ready_at = -1.0, cmd_end = -1.0, deadline, attempt_deadline;
	long interval_us = 1000, attempts = 0;
	int i, status, child_done = 0, rc = 1;
	pid_t pid, w;
	char *end;
	struct timespec tick;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (strcmp(argv[i], "--url") == 0 && i + 1 < argc) {
			url = argv[++i];
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			errno = 0;
			timeout = strtod(argv[++i], &end);
			if (errno != 0 || *end != '\0' || !(timeout > 0)) {
				fprintf(stderr, "startprobe: invalid --timeout '%s': expected seconds > 0\n", argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--interval-us") == 0 && i + 1 < argc) {
			errno = 0;
			interval_us = strtol(argv[++i], &end, 10);
			if (errno != 0 || *end != '\0' || interval_us < 100 || interval_us > 1000000) {
				fprintf(stderr, "startprobe: invalid --interval-us '%s': expected 100..1000000\n", argv[i]);
				return 2;
			}
		} else {
			probe_usage();
			return 2;
		}
	}
	if (url == NULL || i >= argc) {
		probe_usage();
		return 2;
	}
	if (probe_parse_url(url, &target) < 0) {
		fprintf(stderr, "startprobe: invalid url '%s': expected http://IPV4:PORT/PATH\n", url);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);

	t0 = probe_now();
	pid = fork();
	if (pid < 0) {
		perror("startprobe: cannot fork");
		return 1;
	}
	if (pid == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[i], argv + i);
		fprintf(stderr, "startprobe: cannot run %s: %s\n", argv[i], strerror(errno));
		_exit(127);
	}
	deadline = t0 + timeout;
	clock_gettime(CLOCK_MONOTONIC, &tick);
	for (;;) {
		if (!child_done) {
			w = waitpid(pid, &status, WNOHANG);
			if (w == pid) {
				child_done = 1;
				cmd_end = probe_now();
				if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
					fprintf(stderr, "startprobe: command failed: %s %d\n",
						WIFEXITED(status) ? "exit status" : "signal",
						WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
					goto out;
				}
			}
		}
		attempts++;
		attempt_deadline = probe_now() + 1.0;
		if (attempt_deadline > deadline)
			attempt_deadline = deadline;
		if (probe_once(&target, attempt_deadline)) {
			ready_at = probe_now();
			break;
		}
		if (probe_now() >= deadline) {
			fprintf(stderr, "startprobe: timeout: no 200 from %s within %.1f s (%ld attempts)\n",
				url, timeout, attempts);
			goto out;
		}
		tick.tv_nsec += interval_us * 1000;
		while (tick.tv_nsec >= 1000000000L) {
			tick.tv_nsec -= 1000000000L;
			tick.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &tick, NULL);
	}
	rc = 0;
out:
	if (!child_done) {
		if (rc != 0)
			kill(pid, SIGTERM);
		if (waitpid(pid, &status, 0) == pid) {
			cmd_end = probe_now();
			if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
				fprintf(stderr, "startprobe: command failed after the url answered\n");
				rc = 1;
			}
		}
	}
	if (rc == 0)
		printf("seconds=%.6f command_seconds=%.6f attempts=%ld\n", ready_at - t0,
		       cmd_end < 0 ? -1.0 : cmd_end - t0, attempts);
	return rc;
}
