# lint.mk: rules as code for the Dockerfiles and Kubernetes manifests.
#
#   make check-lint     tests/lint/dockerfiles.sh and tests/lint/k8s.sh: every
#                       Dockerfile and manifest meets the project's rules, and
#                       each rule is proved to fire on a fixture or mutant

.PHONY: check-lint
check-lint: ## lint the Dockerfiles and Kubernetes manifests (and prove each rule fires)
	$(Q)bash tests/lib/run-suites.sh tests/lint/dockerfiles.sh tests/lint/k8s.sh

CHECK_TARGETS += check-lint
