/* Tests of report.html (benchmarks/analysis/render_html.c) on a copy of
 * tests/fixtures/results-small/ (BENCH_FIXTURES overrides the fixtures
 * root) in a temporary folder, completed with a budget, a skipped cell and
 * SBOM tables (one cell hostile HTML), and charts drawn by the real
 * charts.c and gnuplot. The HTML is checked against the report.md of the
 * same report: same sections, same tables, each with rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "charts.h"
#include "report.h"

#define HOSTILE "<script>alert(1)</script> & \"q\" 'a'"
#define HOSTILE_CSV "\"<script>alert(1)</script> & \"\"q\"\" 'a'\""
#define HOSTILE_ESCAPED                                                        \
  "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;"

static char tmp[] = "/tmp/test_bench_html_XXXXXX";

struct fx {
  struct report r;
  char *md, *html;
};

static void write_file(const char *dir, const char *name, const char *text) {
  char path[1200];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

static void copy_file(const char *from_dir, const char *to_dir,
                      const char *name) {
  char path[1200], buf[8192];
  snprintf(path, sizeof path, "%s/%s", from_dir, name);
  FILE *in = fopen(path, "r");
  assert_non_null(in);
  snprintf(path, sizeof path, "%s/%s", to_dir, name);
  FILE *out = fopen(path, "w");
  assert_non_null(out);
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    assert_int_equal(fwrite(buf, 1, n, out), n);
  fclose(in);
  assert_int_equal(fclose(out), 0);
}

static char *render(const struct report *r, const char *dir) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  assert_int_equal(dir ? report_write_html(r, dir, f) : report_write_md(r, f),
                   0);
  fclose(f);
  return buf;
}

static size_t count(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = strstr(hay, needle); p != NULL;
       p = strstr(p + 1, needle))
    n++;
  return n;
}

static int setup(void **state) {
  const char *root = getenv("BENCH_FIXTURES");
  char src[1024], path[1200], err[1024];
  snprintf(src, sizeof src, "%s/results-small", root ? root : "tests/fixtures");
  if (mkdtemp(tmp) == NULL)
    return -1;
  static const char *const files[] = {"samples.csv", "profiles.csv",
                                      "linkcheck.csv", "env.json"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    copy_file(src, tmp, files[i]);
  write_file(tmp, "budget.csv",
             "block,steps_planned,steps_run,planned_s,spent_s\n"
             "size,8,8,40,35\npull,60,58,900,1010\nextra,1,1,-,3\n");
  write_file(tmp, "plan-skipped.tsv",
             "phase\tsubject\tprofile\truntime\treason\n"
             "pull_cold\tslimline/hello:naive\tedge\t-\tover --pull-max\n");
  snprintf(path, sizeof path, "%s/sbom", tmp);
  assert_int_equal(mkdir(path, 0755), 0);
  write_file(path, "attack-surface.csv",
             "image,user,shell,files\n"
             "slimline/hello:naive,,yes,9000\n"
             "slimline/hello:scratch,65532:65532,no," HOSTILE_CSV "\n");
  write_file(path, "sboms.tsv",
             "image\tcomponents\tvalid\nslimline/hello:naive\t120\tyes\n");
  snprintf(path, sizeof path, "%s/charts", tmp);
  assert_int_equal(mkdir(path, 0755), 0);
  struct fx *fx = calloc(1, sizeof *fx);
  assert_non_null(fx);
  if (report_load(&fx->r, tmp, "bench", err, sizeof err) < 0 ||
      charts_write(&fx->r, path, err, sizeof err) < 0 ||
      charts_render(path, "gnuplot", err, sizeof err) < 0) {
    fprintf(stderr, "setup: %s\n", err);
    free(fx);
    return -1;
  }
  fx->md = render(&fx->r, NULL);
  fx->html = render(&fx->r, tmp);
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  struct fx *fx = *state;
  report_free(&fx->r);
  free(fx->md);
  free(fx->html);
  free(fx);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  return system(cmd) == 0 ? 0 : -1;
}

static char *escaped(const char *s, size_t n) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  report_html_escape(f, s, n);
  fclose(f);
  return buf;
}

/* Catches: a character of the five left raw; escaping past n or a NUL. */
static void escape(void **state) {
  (void)state;
  char *e = escaped("<>&\"'", 5);
  assert_string_equal(e, "&lt;&gt;&amp;&quot;&#39;");
  free(e);
  e = escaped("a<b>c", 2);
  assert_string_equal(e, "a&lt;");
  free(e);
  e = escaped("x\0<", 3);
  assert_string_equal(e, "x");
  free(e);
  e = escaped("plain ± é", strlen("plain ± é"));
  assert_string_equal(e, "plain ± é");
  free(e);
}

/* Catches: a section of report.md missing from the page, or its heading
 * mangled; the contents not linking to each section. */
static void sections(void **state) {
  struct fx *fx = *state;
  static const char *const want[] = {"Targets",
                                     "Environment",
                                     "Plan and budget",
                                     "Link emulator",
                                     "Service <code>hello</code>",
                                     "Service <code>notes</code>",
                                     "Peers, runtime floor and empty image",
                                     "Pod startup against the Kubernetes SLO",
                                     "Attack surface and SBOMs",
                                     "Pull-time model",
                                     "Outliers",
                                     "Failures",
                                     "Charts"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    char h[160];
    snprintf(h, sizeof h, "\">%s</h2>", want[i]);
    if (strstr(fx->html, h) == NULL)
      fail_msg("no section %s", want[i]);
  }
  size_t nsec = count(fx->md, "\n## ");
  assert_true(nsec >= sizeof want / sizeof want[0]);
  for (size_t i = 1; i <= nsec; i++) {
    char a[64], h[64];
    snprintf(a, sizeof a, "<a href=\"#sec-%zu\">", i);
    snprintf(h, sizeof h, "<h2 id=\"sec-%zu\">", i);
    assert_int_equal(count(fx->html, a), 1);
    assert_int_equal(count(fx->html, h), 1);
  }
  assert_int_equal(count(fx->html, "<h3>"), count(fx->md, "\n### "));
}

/* Catches: a table of report.md lost, a table without data rows, a header
 * row rendered as data, cells split at an escaped "|", the sample counts
 * and intervals of the Markdown not carried over. */
static void tables(void **state) {
  struct fx *fx = *state;
  size_t ntab = count(fx->md, "\n|---");
  assert_true(ntab >= 15);
  assert_int_equal(count(fx->html, "<table>"), ntab);
  assert_int_equal(count(fx->html, "</table>"), ntab);
  assert_int_equal(count(fx->html, "<tbody>"), ntab);
  for (const char *t = strstr(fx->html, "<tbody>"); t != NULL;
       t = strstr(t + 1, "<tbody>")) {
    const char *end = strstr(t, "</tbody>");
    assert_non_null(end);
    const char *row = strstr(t, "<tr><td");
    assert_true(row != NULL && row < end);
    const char *th = strstr(t, "<th");
    assert_true(th == NULL || th > end);
  }
  /* same number of rows and cells as the Markdown */
  size_t md_rows = 0, md_cells = 0;
  for (const char *l = fx->md; l != NULL; l = strchr(l, '\n')) {
    l += *l == '\n';
    if (*l != '|')
      continue;
    md_rows += strncmp(l, "|---", 4) != 0;
    if (strncmp(l, "|---", 4) != 0)
      for (const char *p = l + 1; *p != '\0' && *p != '\n'; p++)
        md_cells += *p == '|' && p[-1] != '\\';
  }
  assert_int_equal(count(fx->html, "<tr>"), md_rows);
  assert_int_equal(count(fx->html, "</td>") + count(fx->html, "</th>"),
                   md_cells);
  /* medians with MAD and n, intervals of the verdicts, latency percentiles */
  assert_true(count(fx->html, ", n=5)") > 0);
  assert_true(count(fx->html, "95 % CI [") > 0);
  assert_non_null(strstr(fx->html, "<th>p50 ms</th><th>p99 ms</th>"));
  assert_non_null(strstr(fx->html, "<td>pull</td><td class=\"num\">60</td>"));
  assert_non_null(strstr(fx->html, "<td>over --pull-max</td>"));
  assert_non_null(strstr(fx->html, "<td>root (no USER)</td>"));
  assert_non_null(strstr(fx->html, "<strong class=\"v-pass\">pass</strong>"));
  assert_non_null(
      strstr(fx->html, "<strong class=\"v-open\">insufficient data</strong>"));
}

/* Catches: a chart left as an <img> link, inlined without its data, or
 * four SVGs whose gnuplot ids collide (a marker drawn from another chart). */
static void charts_inline(void **state) {
  struct fx *fx = *state;
  static const char *const names[] = {"size", "pull", "start", "pods"};
  assert_int_equal(count(fx->html, "<svg class=\"chart\""), 4);
  assert_null(strstr(fx->html, "<img"));
  for (size_t i = 0; i < 4; i++) {
    char id[64];
    snprintf(id, sizeof id, "<figure id=\"chart-%s\">", names[i]);
    const char *fig = strstr(fx->html, id);
    assert_non_null(fig);
    const char *end = strstr(fig, "</figure>");
    snprintf(id, sizeof id, "id=\"%s-gnuplot_plot_1\"", names[i]);
    const char *plot = strstr(fig, id);
    assert_true(plot != NULL && plot < end);
    const char *poly = strstr(plot, "<polygon"), *path = strstr(plot, "<path");
    assert_true((poly != NULL && poly < end) || (path != NULL && path < end));
  }
  /* every id once; every reference to a defined id */
  for (const char *p = strstr(fx->html, " id="); p != NULL;
       p = strstr(p + 1, " id=")) {
    char id[128];
    char q = p[4];
    const char *e = strchr(p + 5, q);
    assert_non_null(e);
    snprintf(id, sizeof id, " id=%c%.*s%c", q, (int)(e - p - 5), p + 5, q);
    if (count(fx->html, id) != 1)
      fail_msg("duplicate%s", id);
  }
  for (const char *p = strstr(fx->html, "href='#"); p != NULL;
       p = strstr(p + 1, "href='#")) {
    char id[128];
    const char *e = strchr(p + 7, '\'');
    snprintf(id, sizeof id, " id='%.*s'", (int)(e - p - 7), p + 7);
    if (strstr(fx->html, id) == NULL)
      fail_msg("dangling reference to%s", id);
  }
}

/* Catches: anything the page would fetch or run: src, a link or import, a
 * script, an href that is not an in-page anchor. */
static void self_contained(void **state) {
  struct fx *fx = *state;
  assert_null(strstr(fx->html, "src="));
  assert_null(strstr(fx->html, "<script"));
  assert_null(strstr(fx->html, "<link"));
  assert_null(strstr(fx->html, "@import"));
  assert_null(strstr(fx->html, "url(http"));
  for (const char *p = strstr(fx->html, "href="); p != NULL;
       p = strstr(p + 1, "href="))
    if (p[6] != '#')
      fail_msg("href to a resource: %.60s", p);
  assert_non_null(strstr(
      fx->html, "content=\"default-src 'none'; style-src 'unsafe-inline'\""));
}

/* Catches: a cell read verbatim from a results file written raw. */
static void hostile_cell(void **state) {
  struct fx *fx = *state;
  assert_non_null(strstr(fx->md, HOSTILE));
  assert_non_null(strstr(fx->html, "<td>" HOSTILE_ESCAPED "</td>"));
  assert_null(strstr(fx->html, "alert(1)</script>"));
}

/* Catches: a missing chart silently dropped or breaking the page; an SVG
 * with a script (gnuplot's mouse option links one by URL) inlined. */
static void missing_and_refused_charts(void **state) {
  struct fx *fx = *state;
  char path[1200], moved[1200];
  snprintf(path, sizeof path, "%s/charts/pull.svg", tmp);
  snprintf(moved, sizeof moved, "%s/charts/pull.svg.away", tmp);
  assert_int_equal(rename(path, moved), 0);
  snprintf(path, sizeof path, "%s/charts", tmp);
  write_file(path, "start.svg",
             "<svg viewBox='0 0 9 9'><script href='http://x/a.js'/></svg>");
  char *html = render(&fx->r, tmp);
  assert_int_equal(count(html, "<svg class=\"chart\""), 2);
  assert_non_null(
      strstr(html, "Chart not included: cannot read charts/pull.svg: "));
  assert_non_null(
      strstr(html, "Chart not included: charts/start.svg contains a script"));
  assert_null(strstr(html, "<script"));
  assert_non_null(strstr(html, "</figure>\n</main>\n</body>\n</html>\n"));
  free(html);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(escape),
      cmocka_unit_test(sections),
      cmocka_unit_test(tables),
      cmocka_unit_test(charts_inline),
      cmocka_unit_test(self_contained),
      cmocka_unit_test(hostile_cell),
      cmocka_unit_test(missing_and_refused_charts),
  };
  return cmocka_run_group_tests_name("bench_html", tests, setup, teardown);
}
