/* manifest: see manifest.h. */
#include "manifest.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define MT_DOCKER "application/vnd.docker.distribution.manifest.v2+json"
#define MT_OCI "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST                                                         \
  "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"

static int descriptor_size(json_t *d, const char *what, uint64_t *size,
                           char *err, size_t errlen) {
  if (!json_is_object(d)) {
    snprintf(err, errlen, "invalid manifest: %s is not an object", what);
    return -1;
  }
  json_t *s = json_object_get(d, "size");
  if (!json_is_integer(s)) {
    snprintf(err, errlen, "invalid manifest: %s has no integer size", what);
    return -1;
  }
  json_int_t v = json_integer_value(s);
  if (v < 0) {
    snprintf(err, errlen, "invalid manifest: %s has a negative size", what);
    return -1;
  }
  if (!json_is_string(json_object_get(d, "digest"))) {
    snprintf(err, errlen, "invalid manifest: %s has no digest", what);
    return -1;
  }
  *size = (uint64_t)v;
  return 0;
}

int manifest_parse(const char *buf, size_t len, struct manifest_info *out,
                   char *err, size_t errlen) {
  int rc = -1;
  json_error_t je;
  json_t *root = json_loadb(buf, len, 0, &je);
  if (root == NULL) {
    snprintf(err, errlen, "invalid manifest: json error at line %d: %s",
             je.line, je.text);
    return -1;
  }
  struct manifest_info m;
  memset(&m, 0, sizeof m);
  if (!json_is_object(root)) {
    snprintf(err, errlen, "invalid manifest: not a json object");
    goto out;
  }
  json_t *sv = json_object_get(root, "schemaVersion");
  const char *mt = json_string_value(json_object_get(root, "mediaType"));
  if (!json_is_integer(sv) || json_integer_value(sv) != 2) {
    snprintf(err, errlen, "unsupported manifest: schemaVersion is not 2");
    goto out;
  }
  if ((mt != NULL &&
       (strcmp(mt, MT_DOCKER_LIST) == 0 || strcmp(mt, MT_OCI_INDEX) == 0)) ||
      json_object_get(root, "manifests") != NULL) {
    snprintf(err, errlen, "manifest list, fetch a platform manifest");
    goto out;
  }
  if (mt != NULL && strcmp(mt, MT_DOCKER) != 0 && strcmp(mt, MT_OCI) != 0) {
    snprintf(err, errlen, "unsupported manifest media type %s", mt);
    goto out;
  }
  m.oci = mt == NULL || strcmp(mt, MT_OCI) == 0;
  if (descriptor_size(json_object_get(root, "config"), "config",
                      &m.config_bytes, err, errlen) < 0)
    goto out;
  json_t *layers = json_object_get(root, "layers");
  if (!json_is_array(layers)) {
    snprintf(err, errlen, "invalid manifest: layers is not an array");
    goto out;
  }
  size_t i;
  json_t *l;
  json_array_foreach(layers, i, l) {
    char what[32];
    snprintf(what, sizeof what, "layer %zu", i);
    uint64_t s = 0;
    if (descriptor_size(l, what, &s, err, errlen) < 0)
      goto out;
    m.layer_bytes += s;
  }
  m.layers = json_array_size(layers);
  m.blobs = m.layers + 1;
  m.manifest_bytes = len;
  m.wire_bytes = m.manifest_bytes + m.config_bytes + m.layer_bytes;
  *out = m;
  rc = 0;
out:
  json_decref(root);
  return rc;
}
