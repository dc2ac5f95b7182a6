# k8s: pod start-up benchmark on the current kubectl context.
#   make bench-k8s K8S_REGISTRY=host:port   live run (not exercised here: no
#                                            cluster on this project's machines)
#   make check-k8s                           offline checks: PSS "restricted"
#                                            manifests, podstart.sh refusals,
#                                            k8s-phases on recorded output
# Options (environment or make variables): K8S_REPS K8S_SERVICES K8S_VARIANTS
# K8S_REPLICAS K8S_NAMESPACE K8S_TIMEOUT K8S_COLD_HOOK ENGINE IMAGE_PREFIX OUT.
# See docs/benchmarks-analysis.md.

K8S_VARS := K8S_REGISTRY K8S_REPS K8S_SERVICES K8S_VARIANTS K8S_REPLICAS \
  K8S_NAMESPACE K8S_TIMEOUT K8S_COLD_HOOK
export $(K8S_VARS)

.PHONY: bench-k8s check-k8s
bench-k8s: $(BENCH_BIN)/k8s-phases $(BENCH_BIN)/benchreport
	$(Q)BENCH_BIN=$(BENCH_BIN) bash benchmarks/k8s/podstart.sh

check-k8s: $(BENCH_BIN)/k8s-phases $(BENCH_BIN)/benchreport
	$(Q)BENCH_BIN=$(BENCH_BIN) bash benchmarks/k8s/lint.sh

CHECK_TARGETS += check-k8s
