# k8s: pod start-up benchmark on the current kubectl context.
#   make bench-k8s K8S_REGISTRY=host:port   live run (NOT RUN on this project's
#                                            machines: no cluster can run here)
#   make check-k8s                           offline checks: PSS "restricted"
#                                            manifests pinned to one node,
#                                            podstart.sh refusals, k8s-phases
#                                            on constructed kubectl output
# Options (environment or make variables): K8S_REPS K8S_SERVICES K8S_VARIANTS
# K8S_REPLICAS K8S_NAMESPACE K8S_TIMEOUT K8S_NODE K8S_COLD_HOOK ENGINE
# IMAGE_PREFIX OUT. Without K8S_COLD_HOOK no cold pods run (the results say
# why). See docs/k8s.md.

K8S_VARS := K8S_REGISTRY K8S_REPS K8S_SERVICES K8S_VARIANTS K8S_REPLICAS \
  K8S_NAMESPACE K8S_TIMEOUT K8S_NODE K8S_COLD_HOOK
export $(K8S_VARS)

.PHONY: bench-k8s check-k8s
bench-k8s: $(BENCH_BIN)/k8s-phases $(BENCH_BIN)/manifest-size $(BENCH_BIN)/benchreport ## pod start-up benchmark on the current kubectl context
	$(Q)BENCH_BIN=$(BENCH_BIN) bash benchmarks/k8s/podstart.sh

check-k8s: $(BENCH_BIN)/k8s-phases $(BENCH_BIN)/benchreport ## offline checks of the Kubernetes bench (no cluster)
	$(Q)BENCH_BIN=$(BENCH_BIN) bash benchmarks/k8s/lint.sh

CHECK_TARGETS += check-k8s
