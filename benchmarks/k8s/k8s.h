/* k8s: pod start-up phases from recorded kubectl JSON.
 *
 * Inputs are the bodies of `kubectl get pod NAME -o json`,
 * `kubectl get events --field-selector involvedObject.name=NAME -o json`
 * (a v1 List of core/v1 Events) and `kubectl get pods -l SEL -o json`.
 * Times are seconds since the Unix epoch (double); -1 means absent.
 * Kubernetes stores most of these times with 1 s resolution (conditions'
 * lastTransitionTime, startedAt, events' firstTimestamp); the kubelet's own
 * pull duration in the Pulled event message is sub-second. */
#ifndef K8S_H
#define K8S_H

#include <stddef.h>

/* RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM), 'T'/'Z'
 * in either case. Returns 0 and *epoch, or -1 with a message in err. */
int k8s_parse_time(const char *s, double *epoch, char *err, size_t errlen);

/* Go time.Duration text as printed by the kubelet ("1.234s", "850ms",
 * "1m2.5s", "1h0m0s", "12µs", "3us", "45ns"). Returns 0 and seconds, or -1. */
int k8s_parse_go_duration(const char *s, double *secs);

struct k8s_phases {
    double created;        /* metadata.creationTimestamp */
    double scheduled;      /* condition PodScheduled=True lastTransitionTime */
    double pulling;        /* first Pulling event */
    double pulled;         /* Pulled event */
    double started;        /* containerStatuses[c].state.running.startedAt */
    double ready;          /* condition Ready=True lastTransitionTime */
    double pull_reported;  /* seconds from "Successfully pulled image ... in Xs" */
    int image_present;     /* Pulled said "already present on machine" */
    char phase[32];        /* status.phase */
    char waiting[128];     /* containerStatuses[c].state.waiting.reason, if any */
};

/* Extract the phases of one pod. container: the container name, or NULL
 * for the first container. Events are matched on involvedObject kind Pod,
 * name and (when both carry it) uid. Returns 0 (absent phases are -1), or
 * -1 with a message in err for invalid JSON or a missing creationTimestamp. */
int k8s_pod_phases(const char *pod_json, size_t pod_len, const char *events_json,
                   size_t events_len, const char *container, struct k8s_phases *out,
                   char *err, size_t errlen);

struct k8s_scale {
    size_t pods;        /* items in the list */
    size_t ready;       /* pods with Ready=True */
    double first_ready; /* earliest Ready lastTransitionTime, -1 if none */
    double last_ready;  /* latest, -1 if none */
};

/* Ready times of the pods of a list (kubectl get pods -l ... -o json).
 * Returns 0, or -1 with a message in err. */
int k8s_scale_ready(const char *list_json, size_t len, struct k8s_scale *out, char *err,
                    size_t errlen);

#endif
