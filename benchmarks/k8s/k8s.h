/* k8s: pod start-up phases from recorded kubectl JSON.
 *
 * Two sources, kept side by side:
 *  - the API server's own timestamps: the bodies of `kubectl get pod NAME
 *    -o json`, `kubectl get events --field-selector involvedObject.name=NAME
 *    -o json` (a v1 List of core/v1 Events) and `kubectl get pods -l SEL -o
 *    json`. Times are seconds since the Unix epoch (double); -1 means absent.
 *    Kubernetes stores most of these with 1 s resolution (conditions'
 *    lastTransitionTime, startedAt, events' firstTimestamp); the kubelet's
 *    own pull duration in the Pulled event message is sub-second.
 *  - client-side watch arrival times: `kubectl get ... -w
 *    --output-watch-events -o json` piped through k8s_stamp, which records
 *    CLOCK_REALTIME (int64 ns since the epoch) when each object arrives.
 *    Sub-second; all phases of one pod are on the same client clock, and
 *    "added" (the pod's first ADDED event) stands for its creation, as in the
 *    Kubernetes pod-startup SLO ("observed via watch"). */
#ifndef SL_K8S_K8S_H
#define SL_K8S_K8S_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM), 'T'/'Z'
 * in either case. Returns 0 and *epoch, or -1 with a message in err. */
int k8s_parse_time(const char *s, double *epoch, char *err, size_t errlen);

/* Go time.Duration text as printed by the kubelet ("1.234s", "850ms",
 * "1m2.5s", "1h0m0s", "12µs", "3us", "45ns"). Returns 0 and seconds, or -1. */
int k8s_parse_go_duration(const char *s, double *secs);

struct k8s_phases {
  double created;       /* metadata.creationTimestamp */
  double scheduled;     /* condition PodScheduled=True lastTransitionTime */
  double pulling;       /* first Pulling event */
  double pulled;        /* Pulled event */
  double started;       /* containerStatuses[c].state.running.startedAt */
  double ready;         /* condition Ready=True lastTransitionTime */
  double pull_reported; /* seconds from "Successfully pulled image ... in Xs" */
  int image_present;    /* Pulled said "already present on machine" */
  char phase[32];       /* status.phase */
  char waiting[128];    /* containerStatuses[c].state.waiting.reason, if any */
};

/* Extract the phases of one pod. container: the container name, or NULL
 * for the first container. Events are matched on involvedObject kind Pod,
 * name and (when both carry it) uid. Returns 0 (absent phases are -1), or
 * -1 with a message in err for invalid JSON or a missing creationTimestamp. */
int k8s_pod_phases(const char *pod_json, size_t pod_len,
                   const char *events_json, size_t events_len,
                   const char *container, struct k8s_phases *out, char *err,
                   size_t errlen);

struct k8s_scale {
  size_t pods;        /* items in the list */
  size_t ready;       /* pods with Ready=True */
  double first_ready; /* earliest Ready lastTransitionTime, -1 if none */
  double last_ready;  /* latest, -1 if none */
};

/* Ready times of the pods of a list (kubectl get pods -l ... -o json).
 * Returns 0, or -1 with a message in err. */
int k8s_scale_ready(const char *list_json, size_t len, struct k8s_scale *out,
                    char *err, size_t errlen);

/* Clock seam of k8s_stamp: ns since the Unix epoch. */
typedef int64_t (*k8s_clock_fn)(void);

/* CLOCK_REALTIME in ns. */
int64_t k8s_realtime_ns(void);

/* Read the JSON values kubectl writes one after another on in (pretty
 * printed, as `-o json` does in watch mode) and write one line per value to
 * out: "<ns> <the value as compact JSON>\n", ns = clock() read as soon as
 * the value's last byte has been read; out is flushed after every line.
 * Returns 0 at the end of in (*values: values written), or -1 with a
 * message in err for input that is not a sequence of JSON objects. */
int k8s_stamp(FILE *in, FILE *out, k8s_clock_fn clock, size_t *values,
              char *err, size_t errlen);

/* Phases of one pod from stamped watch streams, ns since the epoch, -1 when
 * not seen. */
struct k8s_watch {
  int64_t added;     /* arrival of the pod's first ADDED (or first sighting) */
  int64_t scheduled; /* first object with PodScheduled=True */
  int64_t running;   /* first with containerStatuses[c].state.running */
  int64_t ready;     /* first with Ready=True */
  int64_t pulling;   /* arrival of its first Pulling event */
  int64_t pulled;    /* arrival of its first Pulled event */
  double
      pull_reported; /* kubelet's "Successfully pulled image ... in Xs", -1 */
  int64_t
      image_bytes; /* kubelet's "Image size: N bytes." (Kubernetes >= 1.30), -1 */
  int image_present;  /* Pulled said "already present on machine" */
  size_t pod_objects; /* objects of this pod (its uid) in the pod stream */
  size_t pod_events;  /* events of this pod in the event stream */
  char uid[64];       /* the pod's metadata.uid */
  char node[256];     /* spec.nodeName, last seen */
  char waiting
      [128]; /* the container's state.waiting.reason, last seen ("" if none) */
};

/* Read the stamped pod stream (`kubectl get pods -w --output-watch-events
 * -o json --field-selector metadata.name=NAME`, through k8s_stamp) and,
 * optionally (events may be NULL), the stamped event stream (`kubectl get
 * events -w --output-watch-events -o json --field-selector
 * involvedObject.name=NAME`). The pod is the first object named name that
 * is not being deleted; objects and events of other uids (an earlier pod of
 * the same name) are ignored, as are DELETED and ERROR watch events. Bare
 * objects (no --output-watch-events) are accepted. container: its name, or
 * NULL for the first. Returns 0 (out->added -1 if the pod never appeared),
 * or -1 with "line N: cause" in err. */
int k8s_watch_pod(const char *pods, size_t plen, const char *events,
                  size_t elen, const char *name, const char *container,
                  struct k8s_watch *out, char *err, size_t errlen);

struct k8s_watch_scale {
  size_t pods;         /* distinct pods first seen at or after since */
  size_t ready;        /* of which were seen Ready=True */
  int64_t first_ready; /* earliest first-Ready arrival, -1 if none */
  int64_t last_ready;  /* latest first-Ready arrival, -1 if none */
};

/* Ready arrival times of the pods of a stamped pod watch (label selector)
 * that first appeared at or after since (ns). Returns 0, or -1 with
 * "line N: cause" in err. */
int k8s_watch_scale(const char *pods, size_t len, int64_t since,
                    struct k8s_watch_scale *out, char *err, size_t errlen);

/* "Image size: N bytes." in a kubelet Pulled message: N, or -1. */
int64_t k8s_pulled_image_bytes(const char *msg);

#endif
