/* manifest: sizes of an image from its registry manifest (Docker schema 2
 * or OCI image manifest). */
#ifndef SL_ANALYSIS_MANIFEST_H
#define SL_ANALYSIS_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

struct manifest_info {
  uint64_t manifest_bytes; /* length of the manifest body itself */
  uint64_t config_bytes;
  uint64_t layer_bytes; /* sum of layer descriptor sizes */
  uint64_t wire_bytes;  /* manifest + config + layers */
  size_t layers;
  size_t blobs; /* layers + config */
  int oci;      /* 1: OCI media type, 0: Docker schema 2 */
};

/* Parse the manifest body buf[0..len) exactly as served. Accepts
 * application/vnd.docker.distribution.manifest.v2+json and
 * application/vnd.oci.image.manifest.v1+json (or no mediaType with
 * schemaVersion 2, config and layers). Refuses manifest lists / OCI
 * indexes, schema 1, missing or negative sizes. Returns 0, or -1 with a
 * message in err. */
int manifest_parse(const char *buf, size_t len, struct manifest_info *out,
                   char *err, size_t errlen);

#endif
