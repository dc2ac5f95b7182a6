/* render.h: the whoami answer as text and as JSON.
 *
 * Everything here is pure: the handler gathers the facts (host, addresses,
 * request line, headers) into a struct whoami_info and these functions turn
 * them into a response body. Header names and values are client-controlled
 * and may hold any byte, so both renderers escape:
 *  - text: printable ASCII and valid, printable UTF-8 are copied; '\\'
 *    becomes "\\\\"; every other byte (C0 controls, DEL, the C1 controls
 *    U+0080..U+009F, invalid or overlong UTF-8) becomes "\xHH". A value
 *    therefore never breaks a line nor sends a terminal escape sequence,
 *    and the original bytes can be recovered.
 *  - JSON: through the common JSON writer (jw.h): RFC 8259 escapes, invalid
 *    UTF-8 replaced with U+FFFD, so the body is always valid JSON.
 */
#ifndef SL_WHOAMI_RENDER_H
#define SL_WHOAMI_RENDER_H

#include <stddef.h>

#include "sb.h"

/* One interface address: ifname "eth0", family "ipv4" or "ipv6",
 * address in numeric form ("10.0.0.2", "fe80::1%eth0"). */
struct whoami_addr {
  const char *ifname;
  const char *family;
  const char *address;
};

/* One request header, exactly as received (not NUL-terminated: lengths). */
struct whoami_header {
  const char *name;
  size_t name_len;
  const char *value;
  size_t value_len;
};

/* All a whoami answer shows. Strings are borrowed; NULL strings render as
 * "" (text) or null (JSON). */
struct whoami_info {
  const char *hostname;
  const struct whoami_addr *addrs;
  size_t naddrs;
  const char *remote_addr; /* "127.0.0.1" or "::1" */
  unsigned remote_port;
  const char *method;
  const char *url;     /* path and query as the client sent them */
  const char *version; /* "HTTP/1.1" */
  const struct whoami_header *headers; /* in received order */
  size_t nheaders;
  /* Optional: the host part already rendered by whoami_render_host_text /
   * _json (the snapshot of host.h keeps it); when set, hostname and addrs
   * are not looked at by that renderer. */
  const char *host_text;
  size_t host_text_len;
  const char *host_json;
  size_t host_json_len;
};

/* The host part of the answers: the text lines "Hostname: ..." and
 * "IP: <interface> <address>", and the JSON members "hostname" and
 * "addresses" with a trailing comma (see below). Rendered once per host
 * snapshot rather than for every request. 0, or -1 on allocation
 * failure. */
int whoami_render_host_text(struct sb *b, const char *hostname,
                            const struct whoami_addr *addrs, size_t naddrs);
int whoami_render_host_json(struct sb *b, const char *hostname,
                            const struct whoami_addr *addrs, size_t naddrs);

/* Appends the request target rebuilt from the decoded path and the decoded
 * query arguments (libmicrohttpd hands over only those): path, then
 * "?k=v&k2" in received order (an argument with a NULL value has no '='),
 * percent-encoding every byte outside the unreserved set (and outside
 * "/:@!$'()*,;" plus "&+=" in the path). The result is ASCII. 0, or -1 on
 * allocation failure. args reuses struct whoami_header (name = key). */
int whoami_url_build(struct sb *b, const char *path,
                     const struct whoami_header *args, size_t nargs);

/* Appends n bytes of s to b escaped for a text/plain line (rules above).
 * 0, or -1 on allocation failure. */
int whoami_text_escape(struct sb *b, const char *s, size_t n);

/* Appends the text answer to b:
 *     Hostname: web-1
 *     IP: lo 127.0.0.1
 *     IP: eth0 fe80::1%eth0
 *     RemoteAddr: 127.0.0.1:50312        ([::1]:50312 for IPv6)
 *     Method: GET
 *     URL: /?wait=10ms
 *     Protocol: HTTP/1.1
 *     (empty line)
 *     Host: localhost:8080
 *     User-Agent: curl/7.88.1
 * one header per line in received order. 0, or -1 on allocation failure. */
int whoami_render_text(struct sb *b, const struct whoami_info *info);

/* Appends the JSON answer to b, one object:
 *     {"hostname": "web-1",
 *      "addresses": [{"interface": "lo", "family": "ipv4", "address": "127.0.0.1"}],
 *      "remote_addr": "127.0.0.1", "remote_port": 50312,
 *      "method": "GET", "url": "/", "protocol": "HTTP/1.1",
 *      "headers": [{"name": "Host", "value": "localhost:8080"}]}
 * (written without spaces or newlines but for a final newline). Headers are
 * an array to keep order and repeated names. 0, or -1 on allocation
 * failure. */
int whoami_render_json(struct sb *b, const struct whoami_info *info);

#endif
