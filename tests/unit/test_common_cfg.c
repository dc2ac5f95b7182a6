/* test_common_cfg.c: configuration parsing (services/common/cfg.c), every
 * error path, defaults and precedence flag > env > default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cfg.h"

/* The environment seam: a NULL-terminated table set per test. */
static const struct svc_kv *fake_env;
static const char *env_get(const char *name) {
  for (const struct svc_kv *kv = fake_env; kv != NULL && kv->key != NULL; kv++)
    if (strcmp(kv->key, name) == 0)
      return kv->value;
  return NULL;
}

static const char *opt_db;
static unsigned long opt_wait;
static const struct svc_option opts[] = {
    {.flag = "db",
     .env = "T_DB",
     .type = SVC_OPT_STRING,
     .def = "/data/x.db",
     .help = "db",
     .str = &opt_db},
    {.flag = "max-wait",
     .env = "T_WAIT",
     .type = SVC_OPT_UINT,
     .def = "30",
     .min = 1,
     .max = 60,
     .help = "wait",
     .num = &opt_wait},
};

struct run {
  struct svc_config cfg;
  char err[256];
  enum cfg_action action;
};

/* Parses a NULL-terminated argument list (program name added). */
static struct run parse(const struct svc_kv *env, ...) {
  static struct run r;
  char *argv[32] = {"prog"};
  int argc = 1;
  va_list ap;

  va_start(ap, env);
  for (char *a = va_arg(ap, char *); a != NULL; a = va_arg(ap, char *))
    argv[argc++] = a;
  va_end(ap);
  fake_env = env;
  memset(&r, 0, sizeof r);
  r.action =
      cfg_parse(&r.cfg, opts, 2, argc, argv, env_get, r.err, sizeof r.err);
  return r;
}

/* ERR(message, env, args...): parsing fails with exactly that message. */
#define ERR(expected_msg, ...)                                                 \
  do {                                                                         \
    struct run r_ = parse(__VA_ARGS__, NULL);                                  \
    assert_int_equal(r_.action, CFG_ERROR);                                    \
    assert_string_equal(r_.err, expected_msg);                                 \
  } while (0)

/* Bug caught: wrong or missing defaults (e.g. port 0, log level debug). */
static void defaults(void **state) {
  (void)state;
  struct run r = parse(NULL, NULL);
  assert_int_equal(r.action, CFG_RUN);
  assert_string_equal(r.cfg.listen, "0.0.0.0");
  assert_int_equal(r.cfg.port, 8080);
  assert_int_equal(r.cfg.log_format, SVC_LOG_JSON);
  assert_int_equal(r.cfg.log_level, SVC_LOG_INFO);
  assert_int_equal(r.cfg.shutdown_grace, 10);
  assert_int_equal(r.cfg.drain_delay, 0);
  assert_int_equal(r.cfg.conn_timeout, 30);
  assert_int_equal(r.cfg.max_conns, 512);
  assert_int_equal(r.cfg.max_conns_per_ip, 128);
  assert_int_equal(r.cfg.max_body, 1048576);
  assert_int_equal(r.cfg.conn_memory, 16384);
  assert_int_equal(r.cfg.threads, 0); /* auto */
  assert_string_equal(opt_db, "/data/x.db");
  assert_int_equal(opt_wait, 30);
}

/* Bug caught: --threads/THREADS not read, "auto" not accepted (or taken
 * for a number), out-of-range or non-numeric counts accepted, more threads
 * than connections (a pool thread with no connection of its own), vague
 * messages. */
static void threads(void **state) {
  (void)state;
  struct run r = parse(NULL, "--threads", "3", NULL);
  assert_int_equal(r.action, CFG_RUN);
  assert_int_equal(r.cfg.threads, 3);
  const struct svc_kv env[] = {{"THREADS", "2"}, {NULL, NULL}};
  r = parse(env, NULL);
  assert_int_equal(r.cfg.threads, 2);
  r = parse(env, "--threads=auto", NULL);
  assert_int_equal(r.action, CFG_RUN);
  assert_int_equal(r.cfg.threads, 0);
  const struct svc_kv auto_env[] = {{"THREADS", "auto"}, {NULL, NULL}};
  r = parse(auto_env, NULL);
  assert_int_equal(r.cfg.threads, 0);
  r = parse(NULL, "--threads", "256", NULL);
  assert_int_equal(r.cfg.threads, 256);
  ERR("invalid --threads \"0\": must be auto or an integer 1..256", NULL,
      "--threads", "0");
  ERR("invalid --threads \"257\": must be auto or an integer 1..256", NULL,
      "--threads", "257");
  ERR("invalid --threads \"AUTO\": must be auto or an integer 1..256", NULL,
      "--threads", "AUTO");
  ERR("invalid --threads \"-1\": must be auto or an integer 1..256", NULL,
      "--threads", "-1");
  const struct svc_kv bad_env[] = {{"THREADS", "two"}, {NULL, NULL}};
  ERR("invalid THREADS \"two\": must be auto or an integer 1..256", bad_env);
  ERR("invalid threads 8: must not exceed max-conns (4): each thread serves "
      "a share of the connections",
      NULL, "--threads", "8", "--max-conns", "4", "--max-conns-per-ip", "1");
}

/* Bug caught: one of the two flag syntaxes or a field not stored. */
static void flags_both_syntaxes(void **state) {
  (void)state;
  struct run r =
      parse(NULL, "--listen", "::1", "--port=9000", "--log-format", "text",
            "--log-level=debug", "--shutdown-grace", "5", "--drain-delay=2",
            "--conn-timeout", "7", "--max-conns", "100", "--max-conns-per-ip",
            "10", "--max-body", "0", "--conn-memory", "65536", "--db=/tmp/a.db",
            "--max-wait", "60", NULL);
  assert_int_equal(r.action, CFG_RUN);
  assert_string_equal(r.cfg.listen, "::1");
  assert_int_equal(r.cfg.port, 9000);
  assert_int_equal(r.cfg.log_format, SVC_LOG_TEXT);
  assert_int_equal(r.cfg.log_level, SVC_LOG_DEBUG);
  assert_int_equal(r.cfg.shutdown_grace, 5);
  assert_int_equal(r.cfg.drain_delay, 2);
  assert_int_equal(r.cfg.conn_timeout, 7);
  assert_int_equal(r.cfg.max_conns, 100);
  assert_int_equal(r.cfg.max_conns_per_ip, 10);
  assert_int_equal(r.cfg.max_body, 0);
  assert_int_equal(r.cfg.conn_memory, 65536);
  assert_string_equal(opt_db, "/tmp/a.db");
  assert_int_equal(opt_wait, 60);
}

/* Bug caught: env ignored, or env winning over a flag. */
static void env_and_precedence(void **state) {
  (void)state;
  const struct svc_kv env[] = {{"PORT", "7000"},
                               {"LOG_FORMAT", "text"},
                               {"T_DB", "/env.db"},
                               {"MAX_BODY", "12"},
                               {NULL, NULL}};
  struct run r = parse(env, NULL);
  assert_int_equal(r.cfg.port, 7000);
  assert_int_equal(r.cfg.log_format, SVC_LOG_TEXT);
  assert_int_equal(r.cfg.max_body, 12);
  assert_string_equal(opt_db, "/env.db");

  r = parse(env, "--port", "7001", "--db", "/flag.db", NULL);
  assert_int_equal(r.cfg.port, 7001);
  assert_string_equal(opt_db, "/flag.db");
}

/* Bug caught: a broken env var aborting although a flag overrides it, and
 * an empty env var (docker -e PORT=) treated as a value. */
static void env_overridden_or_empty(void **state) {
  (void)state;
  const struct svc_kv bad[] = {{"PORT", "nope"}, {NULL, NULL}};
  struct run r = parse(bad, "--port", "8081", NULL);
  assert_int_equal(r.action, CFG_RUN);
  assert_int_equal(r.cfg.port, 8081);
  const struct svc_kv empty[] = {{"PORT", ""}, {NULL, NULL}};
  r = parse(empty, NULL);
  assert_int_equal(r.action, CFG_RUN);
  assert_int_equal(r.cfg.port, 8080);
}

/* Bug caught: the message names the flag when the env var was wrong. */
static void env_errors_name_the_variable(void **state) {
  (void)state;
  const struct svc_kv e1[] = {{"PORT", "70000"}, {NULL, NULL}};
  ERR("invalid PORT \"70000\": must be an integer 1..65535", e1);
  const struct svc_kv e2[] = {{"LOG_LEVEL", "loud"}, {NULL, NULL}};
  ERR("invalid LOG_LEVEL \"loud\": must be error, warn, info or debug", e2);
  const struct svc_kv e3[] = {{"T_WAIT", "0"}, {NULL, NULL}};
  ERR("invalid T_WAIT \"0\": must be an integer 1..60", e3);
}

/* Bug caught: any accepted malformed number (sign, space, hex, overflow,
 * out of range) or a message that does not say what is accepted. */
static void bad_numbers(void **state) {
  (void)state;
  ERR("invalid --port \"70000\": must be an integer 1..65535", NULL, "--port",
      "70000");
  ERR("invalid --port \"0\": must be an integer 1..65535", NULL, "--port", "0");
  ERR("invalid --port \"\": must be an integer 1..65535", NULL, "--port=");
  ERR("invalid --port \"-1\": must be an integer 1..65535", NULL, "--port",
      "-1");
  ERR("invalid --port \"+80\": must be an integer 1..65535", NULL, "--port",
      "+80");
  ERR("invalid --port \" 80\": must be an integer 1..65535", NULL, "--port",
      " 80");
  ERR("invalid --port \"80x\": must be an integer 1..65535", NULL, "--port",
      "80x");
  ERR("invalid --port \"0x50\": must be an integer 1..65535", NULL, "--port",
      "0x50");
  ERR("invalid --port \"99999999999999999999999\": must be an integer 1..65535",
      NULL, "--port", "99999999999999999999999");
  ERR("invalid --shutdown-grace \"3601\": must be an integer 0..3600", NULL,
      "--shutdown-grace", "3601");
  ERR("invalid --drain-delay \"x\": must be an integer 0..3600", NULL,
      "--drain-delay", "x");
  ERR("invalid --conn-timeout \"0\": must be an integer 1..3600", NULL,
      "--conn-timeout", "0");
  ERR("invalid --max-conns \"0\": must be an integer 1..16384", NULL,
      "--max-conns", "0");
  ERR("invalid --max-conns-per-ip \"0\": must be an integer 1..16384", NULL,
      "--max-conns-per-ip", "0");
  ERR("invalid --max-body \"1073741825\": must be an integer 0..1073741824",
      NULL, "--max-body", "1073741825");
  ERR("invalid --conn-memory \"4095\": must be an integer 4096..16777216", NULL,
      "--conn-memory", "4095");
  ERR("invalid --max-wait \"61\": must be an integer 1..60", NULL, "--max-wait",
      "61");
}

/* Bug caught: accepting host names or garbage as listen address, or an
 * enum value outside the documented set. */
static void bad_words(void **state) {
  (void)state;
  ERR("invalid --listen \"localhost\": must be an IPv4 or IPv6 address", NULL,
      "--listen", "localhost");
  ERR("invalid --listen \"1.2.3.256\": must be an IPv4 or IPv6 address", NULL,
      "--listen", "1.2.3.256");
  ERR("invalid --listen "
      "\"0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000\": "
      "must be an IPv4 or IPv6 address",
      NULL, "--listen",
      "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000");
  ERR("invalid --log-format \"xml\": must be json or text", NULL,
      "--log-format", "xml");
  ERR("invalid --log-level \"INFO\": must be error, warn, info or debug", NULL,
      "--log-level", "INFO");
}

/* Bug caught: inconsistent limits accepted (per-IP above total, a drain
 * delay that outlives the grace period). */
static void cross_checks(void **state) {
  (void)state;
  ERR("invalid max-conns-per-ip 20: must not exceed max-conns (10)", NULL,
      "--max-conns", "10", "--max-conns-per-ip", "20");
  ERR("invalid drain-delay 5: must not exceed shutdown-grace (4)", NULL,
      "--shutdown-grace", "4", "--drain-delay", "5");
}

/* Bug caught: unknown flags, stray words or a flag at the end without its
 * value silently ignored (a half-configured start). */
static void bad_syntax(void **state) {
  (void)state;
  ERR("unknown option \"--prot\" (see --help)", NULL, "--prot", "1");
  ERR("unknown option \"--port-x\" (see --help)", NULL, "--port-x=1");
  ERR("unknown option \"--po\" (see --help)", NULL, "--po=1");
  ERR("unexpected argument \"8080\" (see --help)", NULL, "8080");
  ERR("unexpected argument \"-p\" (see --help)", NULL, "-p", "1");
  ERR("unexpected argument \"--\" (see --help)", NULL, "--");
  ERR("option --port needs a value", NULL, "--port");
  ERR("option --db needs a value", NULL, "--db");
}

/* Bug caught: the action flags not recognised or not winning. */
static void actions(void **state) {
  (void)state;
  assert_int_equal(parse(NULL, "--help", NULL).action, CFG_HELP);
  assert_int_equal(parse(NULL, "--port", "x", "-h", NULL).action, CFG_HELP);
  assert_int_equal(parse(NULL, "--version", NULL).action, CFG_VERSION);
  struct run r = parse(NULL, "--healthcheck", "--port", "9999", NULL);
  assert_int_equal(r.action, CFG_HEALTHCHECK);
  assert_int_equal(r.cfg.port, 9999);
  /* the probe needs a valid config too */
  assert_int_equal(parse(NULL, "--healthcheck", "--port", "x", NULL).action,
                   CFG_ERROR);
}

/* Bug caught: an oversized option table overflowing the parser's array. */
static void too_many_options(void **state) {
  (void)state;
  struct svc_option many[33];
  struct svc_config cfg;
  char err[128];
  char *argv[] = {"prog"};
  memset(many, 0, sizeof many);
  assert_int_equal(cfg_parse(&cfg, many, 33, 1, argv, env_get, err, sizeof err),
                   CFG_ERROR);
  assert_string_equal(err, "too many service options: 33 (at most 32)");
}

/* Bug caught: a service option named like a common one (never reachable,
 * silently ignored) or with an empty name. */
static void clashing_service_option(void **state) {
  (void)state;
  unsigned long n;
  struct svc_option bad[] = {
      {.flag = "port", .type = SVC_OPT_UINT, .max = 9, .num = &n}};
  struct svc_config cfg;
  char err[128];
  char *argv[] = {"prog"};
  assert_int_equal(cfg_parse(&cfg, bad, 1, 1, argv, env_get, err, sizeof err),
                   CFG_ERROR);
  assert_string_equal(err, "service option 0 \"port\": empty, malformed or "
                           "clashing with a common option");
  bad[0].flag = "";
  assert_int_equal(cfg_parse(&cfg, bad, 1, 1, argv, env_get, err, sizeof err),
                   CFG_ERROR);
  bad[0].flag = "healthcheck";
  assert_int_equal(cfg_parse(&cfg, bad, 1, 1, argv, env_get, err, sizeof err),
                   CFG_ERROR);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(defaults),
      cmocka_unit_test(threads),
      cmocka_unit_test(flags_both_syntaxes),
      cmocka_unit_test(env_and_precedence),
      cmocka_unit_test(env_overridden_or_empty),
      cmocka_unit_test(env_errors_name_the_variable),
      cmocka_unit_test(bad_numbers),
      cmocka_unit_test(bad_words),
      cmocka_unit_test(cross_checks),
      cmocka_unit_test(bad_syntax),
      cmocka_unit_test(actions),
      cmocka_unit_test(too_many_options),
      cmocka_unit_test(clashing_service_option),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
