/* render_html: report.html from a computed report (see report.h).
 *
 * report.html is report.md presented for a browser, not a second report:
 * its text and every table come from report_write_md (render_md.c stays the
 * one place that decides what a cell says, with its n, MAD and interval),
 * translated from the small Markdown subset render_md.c writes: "#"
 * headings, paragraphs, "- " lists, pipe tables (header, "|---|" rule,
 * rows; "\|" inside a cell), **bold**, `code`, and ![alt](charts/NAME.svg).
 * A chart becomes the SVG gnuplot wrote from charts.c's script, inlined
 * with its ids prefixed (four gnuplot SVGs share ids like gpPt5). The page
 * loads nothing: no script, no font, no URL to fetch, and a
 * Content-Security-Policy that would block them if one slipped in. */
#include "report.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void report_html_escape(FILE *f, const char *s, size_t n) {
  for (size_t i = 0; i < n && s[i] != '\0'; i++) {
    switch (s[i]) {
    case '&':
      fputs("&amp;", f);
      break;
    case '<':
      fputs("&lt;", f);
      break;
    case '>':
      fputs("&gt;", f);
      break;
    case '"':
      fputs("&quot;", f);
      break;
    case '\'':
      fputs("&#39;", f);
      break;
    default:
      fputc(s[i], f);
    }
  }
}

static void esc(FILE *f, const char *s) { report_html_escape(f, s, strlen(s)); }

/* CSS class of a bold verdict ("pass", "falls short", ...), NULL for
 * other bold text. */
static const char *verdict_class(const char *s, size_t n) {
  static const struct {
    enum report_verdict v;
    const char *cls;
  } vs[] = {{REPORT_PASS, "v-pass"},
            {REPORT_SHORT, "v-short"},
            {REPORT_INCONCLUSIVE, "v-open"},
            {REPORT_INSUFFICIENT, "v-open"},
            {REPORT_NOT_MEASURED, "v-none"}};
  for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
    const char *name = report_verdict_name(vs[i].v);
    if (strlen(name) == n && strncmp(name, s, n) == 0)
      return vs[i].cls;
  }
  return NULL;
}

/* Inline Markdown of s[0..n): **bold**, `code`, "\|"; everything else
 * escaped. An unclosed mark is closed at the end. */
static void inline_md(FILE *f, const char *s, size_t n) {
  int bold = 0, code = 0;
  size_t i = 0, run = 0;
  while (i < n) {
    if (s[i] == '\\' && i + 1 < n && s[i + 1] == '|') {
      report_html_escape(f, s + run, i - run);
      fputc('|', f);
      i += 2;
      run = i;
    } else if (s[i] == '`') {
      report_html_escape(f, s + run, i - run);
      fputs(code ? "</code>" : "<code>", f);
      code = !code;
      run = ++i;
    } else if (!code && s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
      report_html_escape(f, s + run, i - run);
      i += 2;
      run = i;
      if (bold) {
        fputs("</strong>", f);
      } else {
        const char *end = NULL;
        for (size_t k = i; k + 1 < n && end == NULL; k++)
          if (s[k] == '*' && s[k + 1] == '*')
            end = s + k;
        const char *cls =
            end ? verdict_class(s + i, (size_t)(end - (s + i))) : NULL;
        if (cls != NULL)
          fprintf(f, "<strong class=\"%s\">", cls);
        else
          fputs("<strong>", f);
      }
      bold = !bold;
    } else {
      i++;
    }
  }
  report_html_escape(f, s + run, n - run);
  if (code)
    fputs("</code>", f);
  if (bold)
    fputs("</strong>", f);
}

/* A figure, right-aligned in its cell: a number, then the end or a space
 * ("45.8 MiB", "9012 (±167, n=3)", "+3.1 %"), not "127.0.0.1:80" or a
 * version like "6.1-amd64". */
static int is_number(const char *s, size_t n) {
  size_t i = n > 0 && (s[0] == '-' || s[0] == '+');
  if (i >= n || !isdigit((unsigned char)s[i]))
    return 0;
  while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.' || s[i] == ','))
    i++;
  return i == n || s[i] == ' ';
}

/* One row of a pipe table as <tr>; cells split on "|" not after "\". */
static void table_row(FILE *f, const char *line, size_t n, const char *tag) {
  while (n > 0 && isspace((unsigned char)line[n - 1]))
    n--;
  if (n > 0 && line[n - 1] == '|')
    n--;
  fputs("<tr>", f);
  size_t start = 1; /* after the leading '|' */
  for (size_t i = 1; i <= n; i++) {
    if (i < n && !(line[i] == '|' && line[i - 1] != '\\'))
      continue;
    size_t a = start, b = i;
    while (a < b && line[a] == ' ')
      a++;
    while (b > a && line[b - 1] == ' ')
      b--;
    fprintf(f, "<%s%s>", tag,
            is_number(line + a, b - a) ? " class=\"num\"" : "");
    inline_md(f, line + a, b - a);
    fprintf(f, "</%s>", tag);
    start = i + 1;
  }
  fputs("</tr>\n", f);
}

/* Copy the SVG gnuplot wrote at DIR/PATH from its <svg> element on,
 * prefixing every id and every reference to one (href="#x", url(#x)) with
 * "NAME-". Returns 0, or -1 with the reason in why (nothing written). */
static int inline_svg(FILE *f, const char *dir, const char *path,
                      const char *name, const char *alt, char *why,
                      size_t whylen) {
  char full[4096];
  snprintf(full, sizeof full, "%s/%s", dir, path);
  FILE *in = fopen(full, "r");
  if (in == NULL) {
    snprintf(why, whylen, "cannot read %s: %s", path, strerror(errno));
    return -1;
  }
  char *svg = NULL;
  size_t cap = 0, len = 0, got;
  char buf[8192];
  while ((got = fread(buf, 1, sizeof buf, in)) > 0) {
    if (len + got + 1 > cap) {
      cap = 2 * (len + got + 1);
      char *p = realloc(svg, cap);
      if (p == NULL) {
        free(svg);
        fclose(in);
        snprintf(why, whylen, "out of memory reading %s", path);
        return -1;
      }
      svg = p;
    }
    memcpy(svg + len, buf, got);
    len += got;
  }
  int rerr = ferror(in);
  fclose(in);
  const char *s = NULL;
  if (svg != NULL) {
    svg[len] = '\0';
    s = strstr(svg, "<svg");
  }
  if (rerr || s == NULL) {
    snprintf(why, whylen, "%s is not an SVG file", path);
    free(svg);
    return -1;
  }
  /* gnuplot's mouse option links a script by URL: refuse, never fetch */
  if (strstr(s, "<script") != NULL || strstr(s, "<foreignObject") != NULL) {
    snprintf(why, whylen, "%s contains a script or foreign object", path);
    free(svg);
    return -1;
  }
  static const char *const refs[] = {" id='", " id=\"", "href='#", "href=\"#",
                                     "url(#"};
  fprintf(f, "<svg class=\"chart\" role=\"img\" aria-label=\"");
  esc(f, alt);
  fputs("\"", f);
  s += 4;
  while (*s != '\0') {
    size_t k;
    for (k = 0; k < sizeof refs / sizeof refs[0]; k++)
      if (strncmp(s, refs[k], strlen(refs[k])) == 0)
        break;
    if (k < sizeof refs / sizeof refs[0]) {
      fputs(refs[k], f);
      fprintf(f, "%s-", name);
      s += strlen(refs[k]);
    } else {
      fputc(*s++, f);
    }
  }
  fputs("\n", f);
  free(svg);
  return 0;
}

/* ![alt](charts/NAME.svg) as a figure with the chart inline. */
static void figure(FILE *f, const char *dir, const char *line, size_t n) {
  const char *mid = memchr(line, ']', n);
  if (mid == NULL || mid + 1 >= line + n || mid[1] != '(' ||
      line[n - 1] != ')') {
    fputs("<p>", f);
    inline_md(f, line, n);
    fputs("</p>\n", f);
    return;
  }
  char alt[256], path[512], name[64];
  snprintf(alt, sizeof alt, "%.*s", (int)(mid - line - 2), line + 2);
  snprintf(path, sizeof path, "%.*s", (int)(line + n - 1 - (mid + 2)), mid + 2);
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t k = 0;
  for (; base[k] != '\0' && base[k] != '.' && k + 1 < sizeof name; k++)
    name[k] = isalnum((unsigned char)base[k]) ? base[k] : '-';
  name[k] = '\0';
  char why[1024];
  fprintf(f, "<figure id=\"chart-%s\">\n", name);
  if (inline_svg(f, dir, path, name, alt, why, sizeof why) < 0) {
    fputs("<p class=\"missing\">Chart not included: ", f);
    esc(f, why);
    fputs(".</p>\n", f);
  }
  fputs("<figcaption>", f);
  esc(f, alt);
  fputs("</figcaption>\n</figure>\n", f);
}

enum block { B_NONE, B_PARA, B_LIST, B_THEAD, B_TBODY };

static void close_block(FILE *f, enum block b) {
  static const char *const end[] = {"", "</p>\n", "</ul>\n",
                                    "</thead>\n</table></div>\n",
                                    "</tbody>\n</table></div>\n"};
  fputs(end[b], f);
}

static int is_rule(const char *line, size_t n) {
  return n >= 4 && strncmp(line, "|---", 4) == 0;
}

static void heading(FILE *f, const char *line, size_t n, size_t *nsec) {
  size_t lv = 0;
  while (lv < n && line[lv] == '#')
    lv++;
  size_t a = lv;
  while (a < n && line[a] == ' ')
    a++;
  if (lv > 6)
    lv = 6;
  if (lv == 2)
    fprintf(f, "<h2 id=\"sec-%zu\">", ++*nsec);
  else
    fprintf(f, "<h%zu>", lv);
  inline_md(f, line + a, n - a);
  fprintf(f, "</h%zu>\n", lv);
}

/* The block a line belongs to, given the current one. */
static enum block block_of(const char *line, size_t n, enum block cur) {
  if (n == 0 || line[0] == '#' || strncmp(line, "![", 2) == 0)
    return B_NONE;
  if (line[0] == '|')
    return cur == B_THEAD || cur == B_TBODY ? cur : B_THEAD;
  if (strncmp(line, "- ", 2) == 0)
    return B_LIST;
  return B_PARA;
}

static void toc(FILE *f, const char *md);

static void body(FILE *f, const char *md, const char *dir) {
  enum block b = B_NONE;
  size_t nsec = 0;
  int have_toc = 0;
  for (const char *line = md; *line != '\0';) {
    const char *eol = strchr(line, '\n');
    size_t n = eol ? (size_t)(eol - line) : strlen(line);
    enum block want = block_of(line, n, b);
    if (want != b) {
      close_block(f, b);
      if (want == B_PARA)
        fputs("<p>", f);
      else if (want == B_LIST)
        fputs("<ul>\n", f);
      else if (want == B_THEAD)
        fputs("<div class=\"table\"><table>\n<thead>\n", f);
      b = want;
    } else if (b == B_PARA) {
      fputc('\n', f);
    }
    if (n == 0) {
      /* a blank line only ends the block */
    } else if (line[0] == '#') {
      /* the contents go before the first section */
      if (!have_toc && strncmp(line, "## ", 3) == 0) {
        toc(f, md);
        have_toc = 1;
      }
      heading(f, line, n, &nsec);
    } else if (strncmp(line, "![", 2) == 0) {
      figure(f, dir, line, n);
    } else if (b == B_THEAD && is_rule(line, n)) {
      fputs("</thead>\n<tbody>\n", f);
      b = B_TBODY;
    } else if (b == B_THEAD || b == B_TBODY) {
      table_row(f, line, n, b == B_THEAD ? "th" : "td");
    } else if (b == B_LIST) {
      fputs("<li>", f);
      inline_md(f, line + 2, n - 2);
      fputs("</li>\n", f);
    } else {
      inline_md(f, line, n);
    }
    line += n + (eol != NULL);
  }
  close_block(f, b);
}

/* The level-2 headings as a table of contents (ids as body() numbers them). */
static void toc(FILE *f, const char *md) {
  size_t nsec = 0;
  fputs("<nav><h2>Contents</h2>\n<ol>\n", f);
  for (const char *line = md; line != NULL && *line != '\0';) {
    const char *eol = strchr(line, '\n');
    size_t n = eol ? (size_t)(eol - line) : strlen(line);
    if (n > 3 && strncmp(line, "## ", 3) == 0) {
      fprintf(f, "<li><a href=\"#sec-%zu\">", ++nsec);
      inline_md(f, line + 3, n - 3);
      fputs("</a></li>\n", f);
    }
    line = eol ? eol + 1 : NULL;
  }
  fputs("</ol></nav>\n", f);
}

static const char CSS[] =
    "body{font:15px/1.45 "
    "system-ui,sans-serif;color:#1d2430;background:#fff;margin:0}\n"
    "main{max-width:1180px;margin:0 auto;padding:1rem 1.5rem 3rem}\n"
    "h1{font-size:1.7rem;margin:.5rem 0 1rem}\n"
    "h2{font-size:1.3rem;margin:2rem 0 .6rem;padding-top:.4rem;border-top:2px "
    "solid #d6dbe3}\n"
    "h3{font-size:1.05rem;margin:1.4rem 0 .4rem}\n"
    "nav{background:#f4f6f9;padding:.3rem 1rem;border-radius:4px}\n"
    "nav h2{border:0;margin:.4rem 0;font-size:1rem}\nnav "
    "ol{columns:2;margin:.2rem 0 .6rem}\n"
    "code{font:13px ui-monospace,monospace;background:#f0f2f5;padding:0 "
    ".2em;border-radius:3px}\n"
    "div.table{overflow-x:auto;margin:.5rem 0 1rem}\n"
    "table{border-collapse:collapse;font-size:13px}\n"
    "th,td{border:1px solid #d6dbe3;padding:.25rem "
    ".5rem;text-align:left;vertical-align:top}\n"
    "th{background:#eef1f5}\ntd.num{text-align:right;font-variant-numeric:"
    "tabular-nums}\n"
    "tbody tr:nth-child(even){background:#fafbfc}\n"
    "strong.v-pass{color:#1a7f37}\nstrong.v-short{color:#c0392b}\n"
    "strong.v-open{color:#9a6700}\nstrong.v-none{color:#6e7781}\n"
    "figure{margin:1rem "
    "0}\nsvg.chart{display:block;width:100%;max-width:960px;height:auto}\n"
    "figcaption{color:#57606a;font-size:13px}\np.missing{color:#c0392b}\n"
    "@media "
    "print{nav{display:none}h2{break-after:avoid}figure,tr{break-inside:avoid}}"
    "\n";

int report_write_html(const struct report *r, const char *dir, FILE *f) {
  char *md = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&md, &len);
  if (m == NULL)
    return -1;
  int wr = report_write_md(r, m);
  if (fclose(m) != 0 || wr < 0) {
    free(md);
    return -1;
  }
  size_t dl = strlen(dir);
  while (dl > 1 && dir[dl - 1] == '/')
    dl--;
  size_t slash = dl;
  while (slash > 0 && dir[slash - 1] != '/')
    slash--;
  fputs(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
      "'none'; "
      "style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"benchreport\">\n<title>Benchmark "
      "report: ",
      f);
  report_html_escape(f, dir + slash, dl - slash);
  fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", CSS);
  body(f, md, dir);
  fputs("</main>\n</body>\n</html>\n", f);
  free(md);
  return ferror(f) ? -1 : 0;
}
