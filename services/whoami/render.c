/* render.c: see render.h. */
#include "render.h"

#include <stdio.h>
#include <string.h>

#include "jw.h"
#include "utf8.h"

static int hex_byte(struct sb *b, unsigned char c) {
  static const char digits[] = "0123456789abcdef";
  char esc[4] = {'\\', 'x', digits[c >> 4], digits[c & 0x0F]};

  return sb_append(b, esc, sizeof esc);
}

int whoami_text_escape(struct sb *b, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  size_t run = 0; /* start of the pending run of bytes copied as is */

  while (i < n) {
    unsigned char c = p[i];
    size_t len;
    int plain;

    if (c >= 0x20 && c < 0x7F && c != '\\') {
      i++;
      continue;
    }
    len = utf8_seq_len(p + i, n - i);
    /* U+0080..U+009F (C1 controls) encode as C2 80..C2 9F. */
    plain = c >= 0x80 && len > 1 && !(c == 0xC2 && p[i + 1] < 0xA0);
    if (plain) {
      i += len;
      continue;
    }
    sb_append(b, p + run, i - run);
    if (c == '\\')
      sb_append(b, "\\\\", 2);
    else
      hex_byte(b, c);
    i++;
    run = i;
  }
  sb_append(b, p + run, i - run);
  return b->failed ? -1 : 0;
}

/* Appends s (n bytes), percent-encoding every byte not in keep or in the
 * unreserved set of RFC 3986. */
static void pct_encode(struct sb *b, const char *s, size_t n,
                       const char *keep) {
  static const char digits[] = "0123456789ABCDEF";
  size_t i;

  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                c == '~' || (c != '\0' && strchr(keep, c) != NULL);
    if (plain) {
      sb_append(b, &s[i], 1);
    } else {
      char esc[3] = {'%', digits[c >> 4], digits[c & 0x0F]};
      sb_append(b, esc, sizeof esc);
    }
  }
}

int whoami_url_build(struct sb *b, const char *path,
                     const struct whoami_header *args, size_t nargs) {
  static const char path_keep[] = "/:@!$'()*,;&+=";
  static const char query_keep[] = "/:@!$'()*,;?";
  size_t i;

  if (path != NULL)
    pct_encode(b, path, strlen(path), path_keep);
  for (i = 0; i < nargs; i++) {
    sb_append(b, i == 0 ? "?" : "&", 1);
    pct_encode(b, args[i].name, args[i].name_len, query_keep);
    if (args[i].value != NULL) {
      sb_append(b, "=", 1);
      pct_encode(b, args[i].value, args[i].value_len, query_keep);
    }
  }
  return b->failed ? -1 : 0;
}

static void text_str(struct sb *b, const char *s) {
  if (s != NULL)
    whoami_text_escape(b, s, strlen(s));
}

int whoami_render_host_text(struct sb *b, const char *hostname,
                            const struct whoami_addr *addrs, size_t naddrs) {
  size_t i;

  sb_puts(b, "Hostname: ");
  text_str(b, hostname);
  sb_puts(b, "\n");
  for (i = 0; i < naddrs; i++) {
    sb_puts(b, "IP: ");
    text_str(b, addrs[i].ifname);
    sb_puts(b, " ");
    text_str(b, addrs[i].address);
    sb_puts(b, "\n");
  }
  return b->failed ? -1 : 0;
}

/* Appends v in decimal (no printf: this runs for every request). */
static void put_u(struct sb *b, unsigned v) {
  char d[12];
  size_t i = sizeof d;

  do {
    d[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  sb_append(b, d + i, sizeof d - i);
}

int whoami_render_text(struct sb *b, const struct whoami_info *info) {
  size_t i;
  int v6 = info->remote_addr != NULL && strchr(info->remote_addr, ':') != NULL;

  if (info->host_text != NULL)
    sb_append(b, info->host_text, info->host_text_len);
  else
    whoami_render_host_text(b, info->hostname, info->addrs, info->naddrs);
  sb_puts(b, v6 ? "RemoteAddr: [" : "RemoteAddr: ");
  text_str(b, info->remote_addr);
  sb_puts(b, v6 ? "]:" : ":");
  put_u(b, info->remote_port);
  sb_puts(b, "\n");
  sb_puts(b, "Method: ");
  text_str(b, info->method);
  sb_puts(b, "\nURL: ");
  text_str(b, info->url);
  sb_puts(b, "\nProtocol: ");
  text_str(b, info->version);
  sb_puts(b, "\n\n");
  for (i = 0; i < info->nheaders; i++) {
    const struct whoami_header *h = &info->headers[i];
    whoami_text_escape(b, h->name, h->name_len);
    sb_puts(b, ": ");
    whoami_text_escape(b, h->value, h->value_len);
    sb_puts(b, "\n");
  }
  return b->failed ? -1 : 0;
}

int whoami_render_host_json(struct sb *b, const char *hostname,
                            const struct whoami_addr *addrs, size_t naddrs) {
  size_t i;

  jw_key(b, "hostname");
  jw_str(b, hostname);
  sb_puts(b, ",");
  jw_key(b, "addresses");
  sb_puts(b, "[");
  for (i = 0; i < naddrs; i++) {
    sb_puts(b, i > 0 ? ",{" : "{");
    jw_key(b, "interface");
    jw_str(b, addrs[i].ifname);
    sb_puts(b, ",");
    jw_key(b, "family");
    jw_str(b, addrs[i].family);
    sb_puts(b, ",");
    jw_key(b, "address");
    jw_str(b, addrs[i].address);
    sb_puts(b, "}");
  }
  sb_puts(b, "],");
  return b->failed ? -1 : 0;
}

int whoami_render_json(struct sb *b, const struct whoami_info *info) {
  size_t i;

  sb_puts(b, "{");
  if (info->host_json != NULL)
    sb_append(b, info->host_json, info->host_json_len);
  else
    whoami_render_host_json(b, info->hostname, info->addrs, info->naddrs);
  jw_key(b, "remote_addr");
  jw_str(b, info->remote_addr);
  sb_puts(b, ",\"remote_port\":");
  put_u(b, info->remote_port);
  sb_puts(b, ",");
  jw_key(b, "method");
  jw_str(b, info->method);
  sb_puts(b, ",");
  jw_key(b, "url");
  jw_str(b, info->url);
  sb_puts(b, ",");
  jw_key(b, "protocol");
  jw_str(b, info->version);
  sb_puts(b, ",");
  jw_key(b, "headers");
  sb_puts(b, "[");
  for (i = 0; i < info->nheaders; i++) {
    const struct whoami_header *h = &info->headers[i];
    sb_puts(b, i > 0 ? ",{" : "{");
    jw_key(b, "name");
    jw_strn(b, h->name, h->name_len);
    sb_puts(b, ",");
    jw_key(b, "value");
    jw_strn(b, h->value, h->value_len);
    sb_puts(b, "}");
  }
  sb_puts(b, "]}\n");
  return b->failed ? -1 : 0;
}
