/* Unit tests of the registry manifest parser (benchmarks/analysis/manifest.c)
 * on the fixtures in tests/fixtures/registry/ (BENCH_FIXTURES overrides the
 * fixtures root). Expected sizes are the fixtures' own descriptor sizes,
 * typed here, plus the file length measured here with stat. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv.h"
#include "manifest.h"

static char *load(const char *name, size_t *len) {
  const char *root = getenv("BENCH_FIXTURES");
  char path[1024], err[256];
  snprintf(path, sizeof path, "%s/registry/%s", root ? root : "tests/fixtures",
           name);
  char *buf = csv_slurp(path, len, err, sizeof err);
  if (buf == NULL)
    fail_msg("%s", err);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_true((size_t)st.st_size == *len);
  return buf;
}

/* Catches: manifest bytes not counted, config left out, layers summed wrong. */
static void docker_one_layer(void **state) {
  (void)state;
  size_t len;
  char *b = load("hello-scratch.docker.json", &len);
  struct manifest_info m;
  char err[256];
  assert_int_equal(manifest_parse(b, len, &m, err, sizeof err), 0);
  assert_int_equal(m.layers, 1);
  assert_int_equal(m.blobs, 2);
  assert_true(m.config_bytes == 1472);
  assert_true(m.layer_bytes == 38211);
  assert_true(m.manifest_bytes == len);
  assert_true(m.wire_bytes == len + 1472 + 38211);
  assert_int_equal(m.oci, 0);
  free(b);
}

static void docker_four_layers(void **state) {
  (void)state;
  size_t len;
  char *b = load("notes-naive.docker.json", &len);
  struct manifest_info m;
  char err[256];
  assert_int_equal(manifest_parse(b, len, &m, err, sizeof err), 0);
  assert_int_equal(m.layers, 4);
  assert_int_equal(m.blobs, 5);
  assert_true(m.layer_bytes == 29125310ULL + 17032448ULL + 412377ULL + 32ULL);
  assert_true(m.wire_bytes == len + 3921 + m.layer_bytes);
  free(b);
}

/* Catches: OCI media type rejected or not recognised as OCI. */
static void oci(void **state) {
  (void)state;
  size_t len;
  char *b = load("hello-scratch.oci.json", &len);
  struct manifest_info m;
  char err[256];
  assert_int_equal(manifest_parse(b, len, &m, err, sizeof err), 0);
  assert_int_equal(m.oci, 1);
  assert_true(m.wire_bytes == len + 1188 + 38190);
  free(b);
  b = load("empty-scratch.oci-nomediatype.json", &len);
  assert_int_equal(manifest_parse(b, len, &m, err, sizeof err), 0);
  assert_int_equal(m.layers, 0);
  assert_int_equal(m.blobs, 1);
  assert_true(m.wire_bytes == len + 412);
  free(b);
}

/* Catches: lists, schema 1 or size-less layers silently giving 0 bytes. */
static void refused(void **state) {
  (void)state;
  static const struct {
    const char *file, *msg;
  } cases[] = {
      {"list.docker.json", "manifest list, fetch a platform manifest"},
      {"schema1.json", "schemaVersion is not 2"},
      {"bad-missing-size.json", "layer 0 has no integer size"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len;
    char *b = load(cases[i].file, &len);
    struct manifest_info m = {.wire_bytes = 99};
    char err[256] = "";
    assert_int_equal(manifest_parse(b, len, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, cases[i].msg));
    assert_true(m.wire_bytes == 99);
    free(b);
  }
}

static void inline_errors(void **state) {
  (void)state;
  static const struct {
    const char *text, *msg;
  } cases[] = {
      {"{not json", "json error"},
      {"[1,2]", "not a json object"},
      {"{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}",
       "unsupported manifest media type"},
      {"{\"schemaVersion\":2,\"config\":{\"size\":1,\"digest\":\"d\"}}",
       "layers is not an array"},
      {"{\"schemaVersion\":2,\"config\":{\"size\":-1,\"digest\":\"d\"},"
       "\"layers\":[]}",
       "negative size"},
      {"{\"schemaVersion\":2,\"config\":{\"size\":1},\"layers\":[]}",
       "config has no digest"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct manifest_info m;
    char err[256] = "";
    assert_int_equal(manifest_parse(cases[i].text, strlen(cases[i].text), &m,
                                    err, sizeof err),
                     -1);
    assert_non_null(strstr(err, cases[i].msg));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(docker_one_layer),
      cmocka_unit_test(docker_four_layers),
      cmocka_unit_test(oci),
      cmocka_unit_test(refused),
      cmocka_unit_test(inline_errors),
  };
  return cmocka_run_group_tests_name("bench_manifest", tests, NULL, NULL);
}
