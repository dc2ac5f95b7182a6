/*
 * floor: the smallest useful HTTP responder, the runtime floor of the
 * start-to-ready benchmark. Listens on 0.0.0.0:8080, answers every
 * connection with one fixed 200 response and closes it. No parsing, no
 * threads: what is left of start-to-ready with this binary is the engine's
 * own cost.
 */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char floor_reply[] =
	"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n";

int main(void)
{
	struct sockaddr_in a;
	char buf[1024];
	int one = 1, s, c;

	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(8080);
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 128) < 0)
		return 1;
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
