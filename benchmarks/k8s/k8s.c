/* k8s: see k8s.h. */
#include "k8s.h"
#include "timestamp.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int k8s_parse_time(const char *s, double *epoch, char *err, size_t errlen) {
  int64_t ns;
  if (s == NULL) {
    snprintf(err, errlen, "invalid timestamp: missing");
    return -1;
  }
  if (ts_rfc3339_ns(s, &ns, err, errlen) < 0)
    return -1;
  *epoch = (double)(ns / TS_NS_PER_S) + (double)(ns % TS_NS_PER_S) / 1e9;
  return 0;
}

int k8s_parse_go_duration(const char *s, double *secs) {
  static const struct {
    const char *unit;
    double mult;
  } units[] = {
      /* longest first so "ms" wins over "m" */
      {"ns", 1e-9}, {"us", 1e-6}, {"\xc2\xb5s", 1e-6}, {"\xce\xbcs", 1e-6},
      {"ms", 1e-3}, {"s", 1.0},   {"m", 60.0},         {"h", 3600.0},
  };
  if (s == NULL || *s == '\0')
    return -1;
  if (strcmp(s, "0") == 0) {
    *secs = 0;
    return 0;
  }
  double total = 0;
  const char *p = s;
  while (*p != '\0') {
    if (!isdigit((unsigned char)*p) && *p != '.')
      return -1;
    char *end = NULL;
    double v = strtod(p, &end);
    if (end == p)
      return -1;
    p = end;
    size_t k;
    for (k = 0; k < sizeof units / sizeof units[0]; k++) {
      size_t ul = strlen(units[k].unit);
      if (strncmp(p, units[k].unit, ul) == 0) {
        total += v * units[k].mult;
        p += ul;
        break;
      }
    }
    if (k == sizeof units / sizeof units[0])
      return -1;
  }
  *secs = total;
  return 0;
}

/* Optional timestamp field: absent or null -> -1; invalid -> error. */
static int opt_time(json_t *obj, const char *key, double *out, char *err,
                    size_t errlen) {
  json_t *v = json_object_get(obj, key);
  *out = -1;
  if (v == NULL || json_is_null(v))
    return 0;
  if (!json_is_string(v)) {
    snprintf(err, errlen, "invalid %s: not a string", key);
    return -1;
  }
  return k8s_parse_time(json_string_value(v), out, err, errlen);
}

static int condition_true_time(json_t *status, const char *type, double *out,
                               char *err, size_t errlen) {
  *out = -1;
  json_t *conds = json_object_get(status, "conditions");
  size_t i;
  json_t *c;
  json_array_foreach(conds, i, c) {
    const char *t = json_string_value(json_object_get(c, "type"));
    const char *st = json_string_value(json_object_get(c, "status"));
    if (t != NULL && st != NULL && strcmp(t, type) == 0 &&
        strcmp(st, "True") == 0)
      return opt_time(c, "lastTransitionTime", out, err, errlen);
  }
  return 0;
}

static json_t *find_container(json_t *status, const char *name) {
  json_t *cs = json_object_get(status, "containerStatuses");
  if (!json_is_array(cs) || json_array_size(cs) == 0)
    return NULL;
  if (name == NULL)
    return json_array_get(cs, 0);
  size_t i;
  json_t *c;
  json_array_foreach(cs, i, c) {
    const char *n = json_string_value(json_object_get(c, "name"));
    if (n != NULL && strcmp(n, name) == 0)
      return c;
  }
  return NULL;
}

/* The time of a core/v1 Event: firstTimestamp, else eventTime (newer
 * reporters), else lastTimestamp. */
static int event_time(json_t *ev, double *out, char *err, size_t errlen) {
  static const char *const keys[] = {"firstTimestamp", "eventTime",
                                     "lastTimestamp"};
  for (size_t i = 0; i < 3; i++) {
    if (opt_time(ev, keys[i], out, err, errlen) < 0)
      return -1;
    if (*out >= 0)
      return 0;
  }
  return 0;
}

/* "Successfully pulled image \"x\" in 1.234s (1.234s including waiting)"
 * or the older "Successfully pulled image \"x\" in 1.234567s". */
static double pulled_duration(const char *msg) {
  if (msg == NULL || strstr(msg, "Successfully pulled image") == NULL)
    return -1;
  const char *in = strstr(msg, "\" in ");
  if (in == NULL)
    return -1;
  in += 5;
  char buf[64];
  size_t n = 0;
  while (in[n] != '\0' && in[n] != ' ' && in[n] != '(' && n + 1 < sizeof buf) {
    buf[n] = in[n];
    n++;
  }
  buf[n] = '\0';
  double s;
  return k8s_parse_go_duration(buf, &s) == 0 ? s : -1;
}

int k8s_pod_phases(const char *pod_json, size_t pod_len,
                   const char *events_json, size_t events_len,
                   const char *container, struct k8s_phases *out, char *err,
                   size_t errlen) {
  int rc = -1;
  json_error_t je;
  json_t *events = NULL;
  json_t *pod = json_loadb(pod_json, pod_len, 0, &je);
  struct k8s_phases ph;
  memset(&ph, 0, sizeof ph);
  ph.scheduled = ph.pulling = ph.pulled = ph.started = ph.ready =
      ph.pull_reported = -1;
  if (pod == NULL) {
    snprintf(err, errlen, "invalid pod json: line %d: %s", je.line, je.text);
    return -1;
  }
  if (events_json != NULL) {
    events = json_loadb(events_json, events_len, 0, &je);
    if (events == NULL) {
      snprintf(err, errlen, "invalid events json: line %d: %s", je.line,
               je.text);
      goto out;
    }
  }
  const char *kind = json_string_value(json_object_get(pod, "kind"));
  if (kind == NULL || strcmp(kind, "Pod") != 0) {
    snprintf(err, errlen, "invalid pod json: kind is %s, expected Pod",
             kind ? kind : "missing");
    goto out;
  }
  json_t *meta = json_object_get(pod, "metadata");
  json_t *status = json_object_get(pod, "status");
  const char *name = json_string_value(json_object_get(meta, "name"));
  const char *uid = json_string_value(json_object_get(meta, "uid"));
  if (name == NULL) {
    snprintf(err, errlen, "invalid pod json: no metadata.name");
    goto out;
  }
  if (opt_time(meta, "creationTimestamp", &ph.created, err, errlen) < 0)
    goto out;
  if (ph.created < 0) {
    snprintf(err, errlen, "invalid pod json: no metadata.creationTimestamp");
    goto out;
  }
  if (condition_true_time(status, "PodScheduled", &ph.scheduled, err, errlen) <
          0 ||
      condition_true_time(status, "Ready", &ph.ready, err, errlen) < 0)
    goto out;
  snprintf(ph.phase, sizeof ph.phase, "%s",
           json_string_value(json_object_get(status, "phase"))
               ? json_string_value(json_object_get(status, "phase"))
               : "");
  json_t *c = find_container(status, container);
  if (c != NULL) {
    json_t *state = json_object_get(c, "state");
    json_t *running = json_object_get(state, "running");
    json_t *waiting = json_object_get(state, "waiting");
    if (running != NULL &&
        opt_time(running, "startedAt", &ph.started, err, errlen) < 0)
      goto out;
    /* a container that ran and exited still says when it started */
    json_t *term = json_object_get(state, "terminated");
    if (ph.started < 0 && term != NULL &&
        opt_time(term, "startedAt", &ph.started, err, errlen) < 0)
      goto out;
    const char *wr = json_string_value(json_object_get(waiting, "reason"));
    if (wr != NULL)
      snprintf(ph.waiting, sizeof ph.waiting, "%s", wr);
  }
  json_t *items = events ? json_object_get(events, "items") : NULL;
  if (events != NULL && !json_is_array(items)) {
    snprintf(err, errlen, "invalid events json: no items array");
    goto out;
  }
  size_t i;
  json_t *ev;
  json_array_foreach(items, i, ev) {
    json_t *io = json_object_get(ev, "involvedObject");
    const char *ik = json_string_value(json_object_get(io, "kind"));
    const char *in = json_string_value(json_object_get(io, "name"));
    const char *iu = json_string_value(json_object_get(io, "uid"));
    const char *reason = json_string_value(json_object_get(ev, "reason"));
    if (ik == NULL || in == NULL || reason == NULL || strcmp(ik, "Pod") != 0 ||
        strcmp(in, name) != 0)
      continue;
    if (uid != NULL && iu != NULL && strcmp(uid, iu) != 0)
      continue; /* an earlier pod of the same name */
    double t;
    if (event_time(ev, &t, err, errlen) < 0)
      goto out;
    const char *msg = json_string_value(json_object_get(ev, "message"));
    if (strcmp(reason, "Pulling") == 0) {
      if (t >= 0 && (ph.pulling < 0 || t < ph.pulling))
        ph.pulling = t;
    } else if (strcmp(reason, "Pulled") == 0) {
      if (t >= 0 && t > ph.pulled)
        ph.pulled = t;
      double d = pulled_duration(msg);
      if (d >= 0)
        ph.pull_reported = d;
      if (msg != NULL && strstr(msg, "already present on machine") != NULL)
        ph.image_present = 1;
    }
  }
  *out = ph;
  rc = 0;
out:
  json_decref(pod);
  json_decref(events);
  return rc;
}

int k8s_scale_ready(const char *list_json, size_t len, struct k8s_scale *out,
                    char *err, size_t errlen) {
  json_error_t je;
  json_t *list = json_loadb(list_json, len, 0, &je);
  if (list == NULL) {
    snprintf(err, errlen, "invalid pod list json: line %d: %s", je.line,
             je.text);
    return -1;
  }
  int rc = -1;
  json_t *items = json_object_get(list, "items");
  if (!json_is_array(items)) {
    snprintf(err, errlen, "invalid pod list json: no items array");
    goto out;
  }
  struct k8s_scale s = {.first_ready = -1, .last_ready = -1};
  size_t i;
  json_t *pod;
  json_array_foreach(items, i, pod) {
    s.pods++;
    double t;
    if (condition_true_time(json_object_get(pod, "status"), "Ready", &t, err,
                            errlen) < 0)
      goto out;
    if (t < 0)
      continue;
    s.ready++;
    if (s.first_ready < 0 || t < s.first_ready)
      s.first_ready = t;
    if (t > s.last_ready)
      s.last_ready = t;
  }
  *out = s;
  rc = 0;
out:
  json_decref(list);
  return rc;
}

int64_t k8s_realtime_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int k8s_stamp(FILE *in, FILE *out, k8s_clock_fn clock, size_t *values,
              char *err, size_t errlen) {
  size_t n = 0;
  *values = 0;
  for (;;) {
    int c;
    do
      c = getc(in);
    while (c == ' ' || c == '\n' || c == '\r' || c == '\t');
    if (c == EOF) {
      if (ferror(in)) {
        snprintf(err, errlen, "read error after %zu values", n);
        return -1;
      }
      *values = n;
      return 0;
    }
    if (c != '{') {
      if (isprint(c))
        snprintf(err, errlen, "value %zu: expected a JSON object, got '%c'",
                 n + 1, c);
      else
        snprintf(err, errlen,
                 "value %zu: expected a JSON object, got byte 0x%02x", n + 1,
                 (unsigned)c);
      return -1;
    }
    ungetc(c, in);
    json_error_t je;
    /* Reads through the closing brace and no further, so the clock is
         * read when the value's last byte has arrived. */
    json_t *v = json_loadf(in, JSON_DISABLE_EOF_CHECK, &je);
    int64_t t = clock();
    if (v == NULL) {
      snprintf(err, errlen, "value %zu: invalid JSON: %s", n + 1, je.text);
      return -1;
    }
    char *line = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    if (line == NULL) {
      snprintf(err, errlen, "value %zu: cannot serialise (out of memory)",
               n + 1);
      return -1;
    }
    fprintf(out, "%lld %s\n", (long long)t, line);
    free(line);
    if (fflush(out) != 0) {
      snprintf(err, errlen, "cannot write value %zu", n + 1);
      return -1;
    }
    n++;
  }
}

/* One line of a stamped stream. */
struct stamped {
  int64_t t;
  const char *type; /* watch event type, NULL for a bare object */
  json_t *obj;      /* borrowed from root */
  json_t *root;     /* caller decrefs */
};

/* Next non-empty line of buf from *pos: 1 and the parsed value, 0 at the
 * end, -1 with "line N: cause" in err. */
static int next_stamped(const char *buf, size_t len, size_t *pos,
                        size_t *lineno, struct stamped *st, char *err,
                        size_t errlen) {
  while (*pos < len) {
    size_t b = *pos, e = b;
    while (e < len && buf[e] != '\n')
      e++;
    *pos = e < len ? e + 1 : e;
    (*lineno)++;
    if (e == b)
      continue;
    size_t i = b;
    int64_t t = 0;
    while (i < e && isdigit((unsigned char)buf[i])) {
      if (t > (INT64_MAX - 9) / 10) {
        snprintf(err, errlen, "line %zu: timestamp out of range", *lineno);
        return -1;
      }
      t = t * 10 + (buf[i] - '0');
      i++;
    }
    if (i == b || i >= e || buf[i] != ' ') {
      snprintf(err, errlen, "line %zu: expected '<ns> <json>'", *lineno);
      return -1;
    }
    json_error_t je;
    json_t *root = json_loadb(buf + i + 1, e - i - 1, 0, &je);
    if (root == NULL || !json_is_object(root)) {
      snprintf(err, errlen, "line %zu: invalid JSON: %s", *lineno,
               root ? "not an object" : je.text);
      json_decref(root);
      return -1;
    }
    st->t = t;
    st->root = root;
    st->type = json_string_value(json_object_get(root, "type"));
    json_t *o = json_object_get(root, "object");
    if (st->type != NULL && json_is_object(o)) {
      st->obj = o;
    } else {
      st->type = NULL;
      st->obj = root;
    }
    return 1;
  }
  return 0;
}

static int cond_true(json_t *status, const char *type) {
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(status, "conditions"), i, c) {
    const char *t = json_string_value(json_object_get(c, "type"));
    const char *st = json_string_value(json_object_get(c, "status"));
    if (t != NULL && st != NULL && strcmp(t, type) == 0)
      return strcmp(st, "True") == 0;
  }
  return 0;
}

static int is_kind(json_t *obj, const char *kind) {
  const char *k = json_string_value(json_object_get(obj, "kind"));
  return k != NULL && strcmp(k, kind) == 0;
}

static int skip_type(const char *type) {
  return type != NULL &&
         (strcmp(type, "DELETED") == 0 || strcmp(type, "ERROR") == 0 ||
          strcmp(type, "BOOKMARK") == 0);
}

static void first_at(int64_t *slot, int64_t t) {
  if (*slot < 0)
    *slot = t;
}

int64_t k8s_pulled_image_bytes(const char *msg) {
  const char *p = msg ? strstr(msg, "Image size: ") : NULL;
  if (p == NULL)
    return -1;
  p += 12;
  int64_t v = 0;
  const char *d = p;
  while (isdigit((unsigned char)*d) && v <= (INT64_MAX - 9) / 10)
    v = v * 10 + (*d++ - '0');
  if (d == p || strncmp(d, " bytes", 6) != 0)
    return -1;
  return v;
}

int k8s_watch_pod(const char *pods, size_t plen, const char *events,
                  size_t elen, const char *name, const char *container,
                  struct k8s_watch *out, char *err, size_t errlen) {
  struct k8s_watch w;
  memset(&w, 0, sizeof w);
  w.added = w.scheduled = w.running = w.ready = w.pulling = w.pulled =
      w.image_bytes = -1;
  w.pull_reported = -1;
  size_t pos = 0, line = 0;
  struct stamped st;
  int r;
  while ((r = next_stamped(pods, plen, &pos, &line, &st, err, errlen)) == 1) {
    json_t *o = st.obj, *meta = json_object_get(o, "metadata");
    const char *n = json_string_value(json_object_get(meta, "name"));
    const char *uid = json_string_value(json_object_get(meta, "uid"));
    if (skip_type(st.type) || !is_kind(o, "Pod") || n == NULL || uid == NULL ||
        strcmp(n, name) != 0)
      goto next;
    if (w.uid[0] == '\0') {
      /* an earlier pod of this name, still terminating */
      if (json_object_get(meta, "deletionTimestamp") != NULL)
        goto next;
      snprintf(w.uid, sizeof w.uid, "%s", uid);
    } else if (strcmp(w.uid, uid) != 0) {
      goto next;
    }
    w.pod_objects++;
    first_at(&w.added, st.t);
    json_t *spec = json_object_get(o, "spec"),
           *status = json_object_get(o, "status");
    const char *node = json_string_value(json_object_get(spec, "nodeName"));
    if (node != NULL)
      snprintf(w.node, sizeof w.node, "%s", node);
    if (cond_true(status, "PodScheduled"))
      first_at(&w.scheduled, st.t);
    if (cond_true(status, "Ready"))
      first_at(&w.ready, st.t);
    json_t *c = find_container(status, container),
           *state = json_object_get(c, "state");
    if (json_object_get(state, "running") != NULL)
      first_at(&w.running, st.t);
    const char *wr = json_string_value(
        json_object_get(json_object_get(state, "waiting"), "reason"));
    snprintf(w.waiting, sizeof w.waiting, "%s", wr != NULL ? wr : "");
  next:
    json_decref(st.root);
  }
  if (r < 0) {
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", err);
    snprintf(err, errlen, "pod stream: %s", tmp);
    return -1;
  }
  pos = line = 0;
  while (events != NULL &&
         (r = next_stamped(events, elen, &pos, &line, &st, err, errlen)) == 1) {
    json_t *o = st.obj, *io = json_object_get(o, "involvedObject");
    const char *ik = json_string_value(json_object_get(io, "kind"));
    const char *in = json_string_value(json_object_get(io, "name"));
    const char *iu = json_string_value(json_object_get(io, "uid"));
    const char *reason = json_string_value(json_object_get(o, "reason"));
    const char *msg = json_string_value(json_object_get(o, "message"));
    if (skip_type(st.type) || !is_kind(o, "Event") || ik == NULL ||
        in == NULL || reason == NULL || strcmp(ik, "Pod") != 0 ||
        strcmp(in, name) != 0 ||
        (w.uid[0] != '\0' && iu != NULL && strcmp(iu, w.uid) != 0))
      goto enext;
    w.pod_events++;
    if (strcmp(reason, "Pulling") == 0) {
      first_at(&w.pulling, st.t);
    } else if (strcmp(reason, "Pulled") == 0) {
      first_at(&w.pulled, st.t);
      double d = pulled_duration(msg);
      if (d >= 0)
        w.pull_reported = d;
      int64_t b = k8s_pulled_image_bytes(msg);
      if (b >= 0)
        w.image_bytes = b;
      if (msg != NULL && strstr(msg, "already present on machine") != NULL)
        w.image_present = 1;
    }
  enext:
    json_decref(st.root);
  }
  if (events != NULL && r < 0) {
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", err);
    snprintf(err, errlen, "event stream: %s", tmp);
    return -1;
  }
  *out = w;
  return 0;
}

struct scale_pod {
  char uid[64];
  int64_t ready;
  int before; /* first seen before `since` (or terminating): not counted */
};

int k8s_watch_scale(const char *pods, size_t len, int64_t since,
                    struct k8s_watch_scale *out, char *err, size_t errlen) {
  struct scale_pod *seen = NULL;
  size_t nseen = 0, cap = 0, pos = 0, line = 0;
  struct stamped st;
  int r, rc = -1;
  while ((r = next_stamped(pods, len, &pos, &line, &st, err, errlen)) == 1) {
    json_t *o = st.obj, *meta = json_object_get(o, "metadata");
    const char *uid = json_string_value(json_object_get(meta, "uid"));
    if (skip_type(st.type) || !is_kind(o, "Pod") || uid == NULL) {
      json_decref(st.root);
      continue;
    }
    size_t k;
    for (k = 0; k < nseen; k++)
      if (strcmp(seen[k].uid, uid) == 0)
        break;
    if (k == nseen) {
      if (nseen == cap) {
        size_t ncap = cap ? 2 * cap : 16;
        struct scale_pod *ns = realloc(seen, ncap * sizeof *ns);
        if (ns == NULL) {
          snprintf(err, errlen, "out of memory");
          json_decref(st.root);
          goto out;
        }
        seen = ns;
        cap = ncap;
      }
      snprintf(seen[k].uid, sizeof seen[k].uid, "%s", uid);
      seen[k].ready = -1;
      /* a pod of before the scale-up */
      seen[k].before =
          st.t < since || json_object_get(meta, "deletionTimestamp") != NULL;
      nseen++;
    }
    if (!seen[k].before && cond_true(json_object_get(o, "status"), "Ready"))
      first_at(&seen[k].ready, st.t);
    json_decref(st.root);
  }
  if (r < 0)
    goto out;
  struct k8s_watch_scale s = {.first_ready = -1, .last_ready = -1};
  for (size_t k = 0; k < nseen; k++) {
    s.pods += !seen[k].before;
    if (seen[k].before || seen[k].ready < 0)
      continue;
    s.ready++;
    if (s.first_ready < 0 || seen[k].ready < s.first_ready)
      s.first_ready = seen[k].ready;
    if (seen[k].ready > s.last_ready)
      s.last_ready = seen[k].ready;
  }
  *out = s;
  rc = 0;
out:
  free(seen);
  return rc;
}
