/* k8s: see k8s.h. */
#include "k8s.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), so no timegm (not POSIX) is needed. */
static long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

int k8s_parse_time(const char *s, double *epoch, char *err, size_t errlen)
{
    int y, mo, d, h, mi, se;
    if (s == NULL) {
        snprintf(err, errlen, "invalid timestamp: missing");
        return -1;
    }
    size_t len = strlen(s);
    if (len < 19 || digits(s, 4, &y) < 0 || s[4] != '-' || digits(s + 5, 2, &mo) < 0 ||
        s[7] != '-' || digits(s + 8, 2, &d) < 0 || (s[10] != 'T' && s[10] != 't') ||
        digits(s + 11, 2, &h) < 0 || s[13] != ':' || digits(s + 14, 2, &mi) < 0 ||
        s[16] != ':' || digits(s + 17, 2, &se) < 0) {
        snprintf(err, errlen, "invalid timestamp '%s': expected YYYY-MM-DDTHH:MM:SS", s);
        return -1;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60) {
        snprintf(err, errlen, "invalid timestamp '%s': field out of range", s);
        return -1;
    }
    const char *p = s + 19;
    double frac = 0;
    if (*p == '.') {
        p++;
        double scale = 0.1;
        if (!isdigit((unsigned char)*p)) {
            snprintf(err, errlen, "invalid timestamp '%s': empty fraction", s);
            return -1;
        }
        while (isdigit((unsigned char)*p)) {
            frac += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
    }
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (digits(p + 1, 2, &oh) < 0 || p[3] != ':' || digits(p + 4, 2, &om) < 0 || oh > 23 ||
            om > 59) {
            snprintf(err, errlen, "invalid timestamp '%s': bad UTC offset", s);
            return -1;
        }
        off = (oh * 60L + om) * 60L * (*p == '+' ? 1 : -1);
        p += 6;
    } else {
        snprintf(err, errlen, "invalid timestamp '%s': missing time zone (Z or +HH:MM)", s);
        return -1;
    }
    if (*p != '\0') {
        snprintf(err, errlen, "invalid timestamp '%s': trailing text", s);
        return -1;
    }
    double t = (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0 + se - (double)off;
    *epoch = t + frac;
    return 0;
}

int k8s_parse_go_duration(const char *s, double *secs)
{
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
static int opt_time(json_t *obj, const char *key, double *out, char *err, size_t errlen)
{
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

static int condition_true_time(json_t *status, const char *type, double *out, char *err,
                               size_t errlen)
{
    *out = -1;
    json_t *conds = json_object_get(status, "conditions");
    size_t i;
    json_t *c;
    json_array_foreach(conds, i, c) {
        const char *t = json_string_value(json_object_get(c, "type"));
        const char *st = json_string_value(json_object_get(c, "status"));
        if (t != NULL && st != NULL && strcmp(t, type) == 0 && strcmp(st, "True") == 0)
            return opt_time(c, "lastTransitionTime", out, err, errlen);
    }
    return 0;
}

static json_t *find_container(json_t *status, const char *name)
{
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
static int event_time(json_t *ev, double *out, char *err, size_t errlen)
{
    static const char *const keys[] = {"firstTimestamp", "eventTime", "lastTimestamp"};
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
static double pulled_duration(const char *msg)
{
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

int k8s_pod_phases(const char *pod_json, size_t pod_len, const char *events_json,
                   size_t events_len, const char *container, struct k8s_phases *out,
                   char *err, size_t errlen)
{
    int rc = -1;
    json_error_t je;
    json_t *events = NULL;
    json_t *pod = json_loadb(pod_json, pod_len, 0, &je);
    struct k8s_phases ph;
    memset(&ph, 0, sizeof ph);
    ph.scheduled = ph.pulling = ph.pulled = ph.started = ph.ready = ph.pull_reported = -1;
    if (pod == NULL) {
        snprintf(err, errlen, "invalid pod json: line %d: %s", je.line, je.text);
        return -1;
    }
    if (events_json != NULL) {
        events = json_loadb(events_json, events_len, 0, &je);
        if (events == NULL) {
            snprintf(err, errlen, "invalid events json: line %d: %s", je.line, je.text);
            goto out;
        }
    }
    const char *kind = json_string_value(json_object_get(pod, "kind"));
    if (kind == NULL || strcmp(kind, "Pod") != 0) {
        snprintf(err, errlen, "invalid pod json: kind is %s, expected Pod", kind ? kind : "missing");
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
    if (condition_true_time(status, "PodScheduled", &ph.scheduled, err, errlen) < 0 ||
        condition_true_time(status, "Ready", &ph.ready, err, errlen) < 0)
        goto out;
    snprintf(ph.phase, sizeof ph.phase, "%s",
             json_string_value(json_object_get(status, "phase")) ? json_string_value(json_object_get(status, "phase")) : "");
    json_t *c = find_container(status, container);
    if (c != NULL) {
        json_t *state = json_object_get(c, "state");
        json_t *running = json_object_get(state, "running");
        json_t *waiting = json_object_get(state, "waiting");
        if (running != NULL && opt_time(running, "startedAt", &ph.started, err, errlen) < 0)
            goto out;
        /* a container that ran and exited still says when it started */
        json_t *term = json_object_get(state, "terminated");
        if (ph.started < 0 && term != NULL && opt_time(term, "startedAt", &ph.started, err, errlen) < 0)
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

int k8s_scale_ready(const char *list_json, size_t len, struct k8s_scale *out, char *err,
                    size_t errlen)
{
    json_error_t je;
    json_t *list = json_loadb(list_json, len, 0, &je);
    if (list == NULL) {
        snprintf(err, errlen, "invalid pod list json: line %d: %s", je.line, je.text);
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
        if (condition_true_time(json_object_get(pod, "status"), "Ready", &t, err, errlen) < 0)
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
