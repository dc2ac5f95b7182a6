# cri.mk: pods through the Kubernetes runtime API (CRI) of a private
# containerd. See docs/pods.md.
#
#   make cri-tools      build/bench/bin/podbench (the Go CRI client, built
#                       offline in GOPATH mode) and the pause image
#                       (build/cri/pause/: static pause binary + OCI layout)
#   make check-cri      go vet + unit tests, pods.json against deploy/k8s,
#                       then tests/bench/cri.sh: registry, private
#                       containerd, one cold and one warm pod of
#                       hello:scratch (runc), a crun pod, cleanup
#   make cri-podspec    regenerate benchmarks/cri/pods.json from
#                       deploy/k8s/*.yaml
#
# Go: GO111MODULE=off, GOPATH = k8s.io/cri-api from Debian's containerd
# source (benchmarks/cri/cri-api.sh, pinned and verified) plus Debian's
# /usr/share/gocode (gRPC 1.33, gogo protobuf). No module proxy, no network
# but Debian's archive. The pause binary ignores CFLAGS: its image digest
# must only change when its source or the compiler does.

CRI_OUT := $(BUILD)/cri
CRI_BIN := $(BUILD)/bench/bin
CRI_GOPATH := $(abspath $(CRI_OUT)/gopath)
CRI_API_STAMP := $(CRI_GOPATH)/src/k8s.io/.cri-api.done
CRI_PAUSE := $(CRI_OUT)/pause
GO ?= go
CRI_GOENV := GO111MODULE=off GOPROXY=off GOFLAGS= CGO_ENABLED=0 \
  GOPATH='$(CRI_GOPATH):/usr/share/gocode' GOCACHE='$(abspath $(CRI_OUT)/gocache)'
CRI_GO_SRCS := $(filter-out %_test.go,$(wildcard benchmarks/cri/podbench/*.go))

.PHONY: cri-tools cri-deps cri-podspec check-cri check-cri-unit check-cri-e2e

cri-tools: $(CRI_BIN)/podbench $(CRI_PAUSE)/digest ## the Go CRI client and the pause image

# The packages (containerd, crun, Go, gRPC, gogo protobuf, skopeo, ...).
cri-deps: ## install the CRI packages (containerd, crun, Go, ...)
	$(Q)bash scripts/deps.sh cri

$(CRI_API_STAMP): benchmarks/cri/cri-api.sh
	$(Q)bash benchmarks/cri/cri-api.sh $(CRI_GOPATH)

$(CRI_BIN)/podbench: $(CRI_GO_SRCS) $(CRI_API_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  GO      $@')
	$(Q)$(CRI_GOENV) $(GO) build -trimpath -o $@ ./benchmarks/cri/podbench

$(CRI_PAUSE)/digest: benchmarks/cri/pause/pause.c benchmarks/cri/pause.sh
	@$(if $(Q),echo '  PAUSE   $(CRI_PAUSE)')
	$(Q)bash benchmarks/cri/pause.sh build $(CRI_PAUSE) >/dev/null

cri-podspec: ## regenerate benchmarks/cri/pods.json from deploy/k8s/*.yaml
	$(Q)python3 benchmarks/cri/podspec.py --write

check-cri-unit: $(CRI_API_STAMP) ## go vet, Go unit tests, pods.json against deploy/k8s
	$(Q)test -z "$$(gofmt -l benchmarks/cri/podbench)" || \
	  { echo "gofmt: not formatted: $$(gofmt -l benchmarks/cri/podbench)"; exit 1; }
	$(Q)$(CRI_GOENV) $(GO) vet ./benchmarks/cri/podbench
	$(Q)$(CRI_GOENV) $(GO) test -count=1 ./benchmarks/cri/podbench
	$(Q)python3 benchmarks/cri/podspec.py --check && echo "ok - benchmarks/cri/pods.json matches deploy/k8s/*.yaml"

# The end-to-end test needs $(IMAGE_PREFIX)/hello:scratch in the engine:
# only that one image is built here.
# The link emulator comes from benchtools.mk (absent in the image builder).
check-cri-e2e: cri-tools $(if $(BENCH_BIN),$(BENCH_BIN)/linkemu) ## one cold and one warm pod of hello:scratch through a private containerd (engine)
	$(Q)$(MAKE) --no-print-directory images SERVICES=hello VARIANTS=scratch
	$(Q)IMAGE_PREFIX='$(IMAGE_PREFIX)' PODBENCH='$(abspath $(CRI_BIN)/podbench)' \
	  PAUSE_DIR='$(abspath $(CRI_PAUSE))' LINKEMU='$(abspath $(CRI_BIN)/linkemu)' \
	  bash tests/bench/cri.sh

check-cri: cri-deps ## CRI unit tests, then pods through a private containerd (engine)
	$(Q)$(MAKE) --no-print-directory check-cri-unit check-cri-e2e

CHECK_TARGETS += check-cri
