/*
 * floor: the smallest useful HTTP responder, the runtime floor of the
 * start-to-ready benchmark. Listens on 0.0.0.0:PORT (environment, default
 * 8080, like the services), answers every connection with one fixed 200
 * response and closes it. No parsing, no threads: what is left of
 * start-to-ready with this binary is the engine's own cost.
 *
 * Exit 2 with a message on stderr for a PORT that is not 1..65535, 1 when
 * the socket cannot be set up (e.g. the port is taken under host
 * networking). No stdio: printf would double the binary, and the floor
 * should carry nothing the measurement does not need.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h> /* memset */
#include <sys/socket.h>
#include <unistd.h>

static const char floor_reply[] = "HTTP/1.0 200 OK\r\nContent-Type: "
                                  "text/plain\r\nContent-Length: 3\r\n\r\nok\n";

/* PORT: digits only, 1..65535; default 8080 when unset or empty. */
static int floor_port(void) {
  const char *s = getenv("PORT");
  long v = 0;

  if (s == NULL || *s == '\0')
    return 8080;
  for (const char *p = s; *p != '\0'; p++) {
    if (*p < '0' || *p > '9' || v > 65535)
      return -1;
    v = v * 10 + (*p - '0');
  }
  return v >= 1 && v <= 65535 ? (int)v : -1;
}

/* "floor: " a b c d "\n" on stderr, in one write. */
static void floor_say(const char *a, const char *b, const char *c,
                      const char *d) {
  char m[256];
  size_t n = 0;
  const char *parts[] = {"floor: ", a, b, c, d, "\n"};

  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
    for (const char *p = parts[i]; *p != '\0' && n < sizeof m; p++)
      m[n++] = *p;
  (void)!write(STDERR_FILENO, m, n);
}

/* The few causes worth naming; strerror's table would add 4 KiB. */
static const char *floor_cause(int e) {
  switch (e) {
  case EADDRINUSE:
    return "address already in use";
  case EACCES:
    return "permission denied";
  case EMFILE:
  case ENFILE:
    return "too many open files";
  default:
    return "system error (run under strace for details)";
  }
}

int main(void) {
  struct sockaddr_in a;
  char buf[1024];
  int one = 1, s, c, port = floor_port();

  if (port < 0) {
    floor_say("invalid PORT '", getenv("PORT"), "': expected 1..65535", "");
    return 2;
  }
  s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) {
    floor_say("cannot create a socket: ", floor_cause(errno), "", "");
    return 1;
  }
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 128) < 0) {
    const char *ps = getenv("PORT");

    floor_say(
        "cannot listen on 0.0.0.0:", ps != NULL && *ps != '\0' ? ps : "8080",
        ": ", floor_cause(errno));
    return 1;
  }
  for (;;) {
    c = accept(s, NULL, NULL);
    if (c < 0)
      continue;
    /* Read the request head once so the client sees no reset. */
    (void)read(c, buf, sizeof buf);
    (void)write(c, floor_reply, sizeof floor_reply - 1);
    close(c);
  }
}
