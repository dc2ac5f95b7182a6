/* manifest-size: bytes on the wire of one image, from its manifest.
 *
 *   manifest-size [FILE]     (stdin when FILE is absent or "-")
 *
 * Input: the raw manifest body as the registry served it (Docker schema 2
 * or OCI image manifest; manifest lists are refused). Output, one line:
 *   wire_bytes=N layers=N blobs=N config_bytes=N manifest_bytes=N layer_bytes=N
 * wire_bytes = manifest_bytes (input length) + config_bytes + layer_bytes.
 * Exit 0 ok, 1 bad input, 2 usage. See docs/benchmarks-analysis.md. */
#include "manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc > 2 || (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
                                 strcmp(argv[1], "--help") == 0))) {
    fprintf(argc > 2 ? stderr : stdout, "usage: manifest-size [FILE]\n");
    return argc > 2 ? 2 : 0;
  }
  const char *path = argc == 2 ? argv[1] : "-";
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "manifest-size: cannot open %s: %s\n", path,
            strerror(errno));
    return 1;
  }
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap);
  int rc = 1;
  for (;;) {
    if (buf == NULL) {
      fprintf(stderr, "manifest-size: cannot read %s: out of memory\n", path);
      goto out;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (n < cap)
      break;
    cap *= 2;
    char *p = realloc(buf, cap);
    if (p == NULL)
      free(buf);
    buf = p;
  }
  if (ferror(f)) {
    fprintf(stderr, "manifest-size: cannot read %s: %s\n", path,
            strerror(errno));
    goto out;
  }
  struct manifest_info m;
  char err[256];
  if (manifest_parse(buf, n, &m, err, sizeof err) < 0) {
    fprintf(stderr, "manifest-size: %s\n", err);
    goto out;
  }
  printf("wire_bytes=%llu layers=%zu blobs=%zu config_bytes=%llu "
         "manifest_bytes=%llu "
         "layer_bytes=%llu\n",
         (unsigned long long)m.wire_bytes, m.layers, m.blobs,
         (unsigned long long)m.config_bytes,
         (unsigned long long)m.manifest_bytes,
         (unsigned long long)m.layer_bytes);
  rc = 0;
out:
  free(buf);
  if (f != stdin)
    fclose(f);
  return rc;
}
