/* Unit tests of the planner (benchmarks/analysis/plan.c): what a default
 * run measures, how often, in which order, and what it skips and why. The
 * subjects are the harness's real ones with the sizes of a recorded run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan.h"

#define S(a, b, c, d, e, f, g, h, i, j)                                        \
  {                                                                            \
    .subject = a, .service = b, .variant = c, .kind = d, .wire_bytes = e,      \
    .uncompressed_bytes = f, .layers = g, .warm_wire_bytes = h,                \
    .warm_layers = i, .startable = j                                           \
  }

static const struct plan_subject SUBJECTS[] = {
    S("slimline/hello:naive", "hello", "naive", "service", 285511515, 616287580,
      7, 2000000, 1, 1),
    S("slimline/hello:alpine", "hello", "alpine", "service", 1579543, 2833470,
      3, 80000, 2, 1),
    S("slimline/hello:scratch", "hello", "scratch", "service", 74502, 132792, 1,
      0, 0, 1),
    S("slimline/notes:naive", "notes", "naive", "service", 285633135, 616570508,
      7, 2000000, 1, 1),
    S("slimline/notes:scratch", "notes", "scratch", "service", 405900, 668392,
      1, 0, 0, 1),
    S("slimline/nginx:peer", "nginx", "peer", "peer", 70739584, 168744610, 4,
      42000000, 3, 1),
    S("slimline/floor:floor", "floor", "floor", "floor", 5470, 13376, 1, 0, 0,
      1),
    S("slimline/empty:empty", "empty", "empty", "empty", 2188, 2, 0, 0, 0, 0),
    S("native/hello", "hello", "native-static", "native", 0, 0, 0, 0, 0, 1),
    S("native/notes", "notes", "native-static", "native", 0, 0, 0, 0, 0, 1),
};
#define NSUBJ (sizeof SUBJECTS / sizeof SUBJECTS[0])

static const struct plan_profile PROFILES[] = {{"loopback", 0, 0},
                                               {"datacenter", 1000000000ULL, 1},
                                               {"cloud", 100000000ULL, 20},
                                               {"edge", 20000000ULL, 50}};
#define NPROF 4

static struct plan build(const struct plan_options *o) {
  struct plan p;
  char err[256];
  assert_int_equal(
      plan_build(&p, SUBJECTS, NSUBJ, PROFILES, NPROF, o, err, sizeof err), 0);
  return p;
}

static size_t subj_index(const char *name) {
  for (size_t i = 0; i < NSUBJ; i++)
    if (strcmp(SUBJECTS[i].subject, name) == 0)
      return i;
  fail_msg("no subject %s", name);
  return 0;
}

static int prof_index(const char *name) {
  for (int i = 0; i < NPROF; i++)
    if (strcmp(PROFILES[i].name, name) == 0)
      return i;
  return -1;
}

/* Non-warm-up steps of a cell; runtime -2 = any. */
static size_t reps(const struct plan *p, enum plan_phase ph, const char *subj,
                   const char *prof, int runtime) {
  size_t s = subj_index(subj), n = 0;
  int pr = prof ? prof_index(prof) : -1;
  for (size_t i = 0; i < p->nsteps; i++) {
    const struct plan_step *st = &p->steps[i];
    if (st->phase == ph && st->subject == s && st->profile == pr &&
        !st->warmup && (runtime == -2 || st->runtime == runtime))
      n++;
  }
  return n;
}

static size_t warmups(const struct plan *p, enum plan_phase ph,
                      const char *subj) {
  size_t s = subj_index(subj), n = 0;
  for (size_t i = 0; i < p->nsteps; i++)
    n += p->steps[i].phase == ph && p->steps[i].subject == s &&
         p->steps[i].warmup;
  return n;
}

static const struct plan_skip *skipped(const struct plan *p, enum plan_phase ph,
                                       const char *subj, const char *prof) {
  size_t s = subj_index(subj);
  int pr = prof_index(prof);
  for (size_t i = 0; i < p->nskips; i++)
    if (p->skips[i].phase == ph && p->skips[i].subject == s &&
        p->skips[i].profile == pr)
      return &p->skips[i];
  return NULL;
}

/* Catches: a judged cell planned with fewer than PLAN_MIN_JUDGED samples
 * (every target in the report needs them on both sides). */
static void judged_cells_have_enough(void **state) {
  (void)state;
  struct plan_options o;
  plan_options_default(&o);
  struct plan p = build(&o);
  assert_true(reps(&p, PLAN_PULL_COLD, "slimline/hello:scratch", "cloud", -1) >=
              PLAN_MIN_JUDGED);
  assert_true(reps(&p, PLAN_PULL_COLD, "slimline/empty:empty", "cloud", -1) >=
              PLAN_MIN_JUDGED);
  /* every small image on the hold-out link (the out-of-sample check) */
  static const char *const small[] = {
      "slimline/hello:alpine", "slimline/hello:scratch",
      "slimline/notes:scratch", "slimline/floor:floor", "slimline/empty:empty"};
  for (size_t i = 0; i < 5; i++)
    assert_true(reps(&p, PLAN_PULL_COLD, small[i], "edge", -1) >=
                PLAN_MIN_JUDGED);
  assert_true(reps(&p, PLAN_START_WARM, "slimline/hello:scratch", NULL, -1) >=
              PLAN_MIN_JUDGED);
  assert_true(reps(&p, PLAN_START_WARM, "slimline/floor:floor", NULL, -1) >=
              PLAN_MIN_JUDGED);
  for (int rt = 0; rt < 2; rt++) {
    assert_int_equal(
        reps(&p, PLAN_POD_WARM, "slimline/hello:scratch", NULL, rt), 100);
    assert_int_equal(reps(&p, PLAN_POD_WARM, "slimline/floor:floor", NULL, rt),
                     100);
    assert_true(reps(&p, PLAN_POD_COLD, "slimline/hello:scratch", "cloud",
                     rt) >= PLAN_MIN_JUDGED);
    assert_true(reps(&p, PLAN_POD_COLD, "slimline/hello:naive", "cloud", rt) >=
                PLAN_MIN_JUDGED);
    assert_true(reps(&p, PLAN_POD_COLD, "slimline/hello:scratch", "edge", rt) >=
                PLAN_MIN_JUDGED);
  }
  static const char *const load[] = {
      "slimline/hello:scratch", "native/hello", "slimline/hello:naive",
      "slimline/notes:naive", "slimline/notes:scratch"};
  for (size_t i = 0; i < 5; i++)
    assert_true(reps(&p, PLAN_LOAD, load[i], NULL, -1) >= PLAN_MIN_JUDGED);
  plan_free(&p);
}

/* Catches: naive pulls and cold starts on one sample, or without the
 * warm-up before them. */
static void naive_three_after_warmup(void **state) {
  (void)state;
  struct plan_options o;
  plan_options_default(&o);
  struct plan p = build(&o);
  assert_int_equal(
      reps(&p, PLAN_PULL_COLD, "slimline/hello:naive", "cloud", -1), 3);
  assert_int_equal(
      reps(&p, PLAN_PULL_COLD, "slimline/hello:naive", "loopback", -1), 3);
  assert_int_equal(
      reps(&p, PLAN_START_COLD, "slimline/hello:naive", "cloud", -1), 3);
  assert_true(warmups(&p, PLAN_PULL_COLD, "slimline/hello:naive") >= 1);
  assert_true(warmups(&p, PLAN_START_COLD, "slimline/hello:naive") >= 1);
  /* the warm-up comes before the first measured rep */
  size_t s = subj_index("slimline/hello:naive"), first_wu = SIZE_MAX,
         first_rep = SIZE_MAX;
  for (size_t i = 0; i < p.nsteps; i++) {
    if (p.steps[i].phase != PLAN_PULL_COLD || p.steps[i].subject != s)
      continue;
    if (p.steps[i].warmup && first_wu == SIZE_MAX)
      first_wu = i;
    if (!p.steps[i].warmup && first_rep == SIZE_MAX)
      first_rep = i;
  }
  assert_true(first_wu < first_rep);
  plan_free(&p);
}

/* Catches: all cold pulls of a round before all warm ones (the order the
 * old harness had), and rounds out of order. */
static void pulls_interleaved(void **state) {
  (void)state;
  struct plan_options o;
  plan_options_default(&o);
  struct plan p = build(&o);
  size_t last_cold = 0, first_warm = SIZE_MAX;
  unsigned prev_rep = 0;
  for (size_t i = 0; i < p.nsteps; i++) {
    const struct plan_step *s = &p.steps[i];
    if ((s->phase != PLAN_PULL_COLD && s->phase != PLAN_PULL_WARM) || s->warmup)
      continue;
    assert_true(s->rep >= prev_rep); /* round by round */
    prev_rep = s->rep;
    if (s->rep != 0)
      continue;
    if (s->phase == PLAN_PULL_COLD)
      last_cold = i;
    else if (first_warm == SIZE_MAX)
      first_warm = i;
  }
  assert_true(first_warm != SIZE_MAX);
  assert_true(first_warm < last_cold);
  plan_free(&p);
}

/* Catches: a naive pull on the slow link run although it would take
 * minutes, silently; --full runs it. */
static void pull_max_skips_with_reason(void **state) {
  (void)state;
  struct plan_options o;
  plan_options_default(&o);
  struct plan p = build(&o);
  const struct plan_skip *s =
      skipped(&p, PLAN_PULL_COLD, "slimline/hello:naive", "edge");
  assert_non_null(s);
  assert_non_null(strstr(s->reason, "--pull-max"));
  assert_int_equal(reps(&p, PLAN_PULL_COLD, "slimline/hello:naive", "edge", -1),
                   0);
  plan_free(&p);
  o.full = 1;
  p = build(&o);
  assert_null(skipped(&p, PLAN_PULL_COLD, "slimline/hello:naive", "edge"));
  assert_true(reps(&p, PLAN_PULL_COLD, "slimline/hello:naive", "edge", -1) >=
              3);
  plan_free(&p);
}

/* Catches: a budget that silently drops judged reps, or caps without
 * saying so. With a tiny pull budget the peer's cells (min 1) are capped
 * and say so; judged cells keep their reps. */
static void budget_caps_are_annotated(void **state) {
  (void)state;
  struct plan_options o;
  plan_options_default(&o);
  o.budget_s[PLAN_B_PULL] = 1;
  struct plan p = build(&o);
  assert_true(reps(&p, PLAN_PULL_COLD, "slimline/hello:scratch", "cloud", -1) >=
              PLAN_MIN_JUDGED);
  assert_int_equal(reps(&p, PLAN_PULL_COLD, "slimline/nginx:peer", "cloud", -1),
                   1);
  size_t s = subj_index("slimline/nginx:peer"), noted = 0;
  for (size_t i = 0; i < p.nsteps; i++)
    if (p.steps[i].subject == s && p.steps[i].phase == PLAN_PULL_COLD &&
        !p.steps[i].warmup)
      noted += strstr(p.steps[i].note, "reps capped 1/3 by budget") != NULL;
  assert_true(noted >= 1);
  plan_free(&p);
}

/* Catches: a plan that changes between runs with the same seed (results
 * not reproducible), or ignores the seed. */
static void seeded_order(void **state) {
  (void)state;
  struct plan_options o;
  plan_options_default(&o);
  struct plan a = build(&o), b = build(&o);
  assert_int_equal(a.nsteps, b.nsteps);
  for (size_t i = 0; i < a.nsteps; i++) {
    assert_int_equal(a.steps[i].subject, b.steps[i].subject);
    assert_int_equal(a.steps[i].phase, b.steps[i].phase);
  }
  plan_free(&b);
  o.seed = 2;
  b = build(&o);
  assert_int_equal(a.nsteps, b.nsteps);
  size_t differ = 0;
  for (size_t i = 0; i < a.nsteps; i++)
    differ += a.steps[i].subject != b.steps[i].subject;
  assert_true(differ > 0);
  plan_free(&a);
  plan_free(&b);
}

/* Catches: quick mode planning warm-ups or more than one rep a cell. */
static void quick_is_one_rep(void **state) {
  (void)state;
  struct plan_options o;
  plan_options_default(&o);
  o.quick = 1;
  o.warmups = 0;
  struct plan p = build(&o);
  for (size_t i = 0; i < p.nsteps; i++) {
    assert_false(p.steps[i].warmup);
    assert_int_equal(p.steps[i].rep, 0);
  }
  /* quick cold pods go over loopback */
  assert_int_equal(
      reps(&p, PLAN_POD_COLD, "slimline/hello:scratch", "loopback", 0), 1);
  assert_int_equal(
      reps(&p, PLAN_POD_COLD, "slimline/hello:scratch", "cloud", 0), 0);
  plan_free(&p);
}

/* Catches: options that cannot work accepted without a word. */
static void bad_options(void **state) {
  (void)state;
  struct plan_options o;
  struct plan p;
  char err[256];
  plan_options_default(&o);
  o.reps = 0;
  assert_int_equal(
      plan_build(&p, SUBJECTS, NSUBJ, PROFILES, NPROF, &o, err, sizeof err),
      -1);
  assert_non_null(strstr(err, "at least 1"));
  plan_options_default(&o);
  snprintf(o.cold_profile, sizeof o.cold_profile, "mars");
  assert_int_equal(
      plan_build(&p, SUBJECTS, NSUBJ, PROFILES, NPROF, &o, err, sizeof err),
      -1);
  assert_non_null(strstr(err, "'mars'"));
}

/* Catches: subjects.tsv accepted with a wrong header or a bad number. */
static void read_subjects_errors(void **state) {
  (void)state;
  char path[] = "/tmp/test_bench_plan_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fprintf(f, "subject\tservice\tvariant\tkind\twire_bytes\tuncompressed_"
             "bytes\tlayers\t"
             "warm_wire_bytes\twarm_layers\tstartable\n"
             "a/b:c\tb\tc\tservice\t12x\t5\t1\t0\t0\t1\n");
  fclose(f);
  struct plan_subject *v = NULL;
  size_t n = 0;
  char err[512];
  assert_int_equal(plan_read_subjects(path, &v, &n, err, sizeof err), -1);
  assert_non_null(strstr(err, "line 2"));
  f = fopen(path, "w");
  fprintf(f, "subject\tservice\n");
  fclose(f);
  assert_int_equal(plan_read_subjects(path, &v, &n, err, sizeof err), -1);
  assert_non_null(strstr(err, "line 1"));
  f = fopen(path, "w");
  fprintf(f, "subject\tservice\tvariant\tkind\twire_bytes\tuncompressed_"
             "bytes\tlayers\t"
             "warm_wire_bytes\twarm_layers\tstartable\n"
             "a/b:c\tb\tc\tservice\t12\t5\t1\t0\t0\t1\n");
  fclose(f);
  assert_int_equal(plan_read_subjects(path, &v, &n, err, sizeof err), 0);
  assert_int_equal(n, 1);
  assert_int_equal(v[0].wire_bytes, 12);
  assert_true(v[0].startable);
  free(v);
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(judged_cells_have_enough),
      cmocka_unit_test(naive_three_after_warmup),
      cmocka_unit_test(pulls_interleaved),
      cmocka_unit_test(pull_max_skips_with_reason),
      cmocka_unit_test(budget_caps_are_annotated),
      cmocka_unit_test(seeded_order),
      cmocka_unit_test(quick_is_one_rep),
      cmocka_unit_test(bad_options),
      cmocka_unit_test(read_subjects_errors),
  };
  return cmocka_run_group_tests_name("bench_plan", tests, NULL, NULL);
}
