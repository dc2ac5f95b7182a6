# slimline: small C HTTP services, three container variants each, and a
# benchmark harness that measures what each variant costs.
#
#   make            build every service natively (Debian shared libraries)
#   make STATIC=1   fully static musl binaries (see mk/static.mk)
#   make check      every test: unit, integration, images, quick bench
#   make bench      the benchmark harness with its embedded defaults
#   make help       every public target with a one-line description
#
# CC, CFLAGS, LDFLAGS, CPPFLAGS are yours; required flags live in the
# SL_* variables below. Each concern has its own fragment under mk/.

.DEFAULT_GOAL := all

VERSION   := 0.1.0
BUILD     ?= build
PREFIX    ?= /usr/local
DESTDIR   ?=
VARIANT   ?= native
REVISION  ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
BUILD_DATE ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)

CC      ?= cc
# The static build is about size: -Os by default there.
CFLAGS  ?= $(if $(filter 1,$(STATIC)),-Os,-O2 -g)
LDFLAGS ?=

# C11 plus POSIX.1-2008, stated once here.
SL_CPPFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -MMD -MP \
  -DSL_VERSION='"$(VERSION)"' -DSL_VARIANT='"$(VARIANT)"' \
  -DSL_REVISION='"$(REVISION)"' -DSL_BUILD_DATE='"$(BUILD_DATE)"'
SL_WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifeq ($(WERROR),1)
SL_WARN += -Werror
endif
ifeq ($(SANITIZE),1)
SL_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

# One output tree per build flavour, so native, static and sanitizer
# objects never mix.
ifeq ($(STATIC),1)
FLAVOUR := static
else ifeq ($(SANITIZE),1)
FLAVOUR := san
else
FLAVOUR := native
endif
OUT := $(BUILD)/$(FLAVOUR)

# Fragments append to these.
CHECK_TARGETS :=
CLEAN_DIRS := $(BUILD)

# Include order is check order: fast tests first, images and the quick
# bench last. static.mk comes first because it sets the dependency flags
# (SL_DEP_CFLAGS, SL_MHD_LIBS, SL_SQLITE_LIBS, SL_DEP_PREREQ, SL_LDSTATIC)
# that services.mk uses in prerequisites.
include mk/static.mk
-include mk/format.mk
include mk/services.mk
# The image builder stage copies only the two fragments above (so editing a
# test or bench fragment never invalidates the images' cache): the rest are
# optional there.
-include mk/testlib.mk
-include mk/benchtools.mk
-include mk/fuzz.mk
-include mk/lint.mk
-include mk/robustness.mk
-include mk/images.mk
-include mk/bench.mk
-include mk/k8s.mk
-include mk/cri.mk
-include mk/sbom.mk
-include mk/labs.mk

.PHONY: all check check-deps clean install help
# static.mk is read first for its variables, but its check (which builds
# the musl toolchain) belongs after the fast native tests.
CHECK_TARGETS := $(patsubst check-integration,check-integration check-static,\
  $(filter-out check-static,$(CHECK_TARGETS)))

# The checks that use the one shared Docker engine (images, containers, a
# private containerd and registry beside it) must not run at the same
# time: they share the engine's images, ports and CPU, and each measures or
# cleans up what it started. `make check` runs every other check first (as
# prerequisites, in parallel under -j), then these one after another, in
# this order, in a sub-make with -j1, so -j never overlaps them.
SL_ENGINE_CHECKS := check-soak check-images check-bench check-cri check-sbom check-labs
# make check installs what it is missing first (Debian/Ubuntu as root), or
# stops with the exact apt-get line.
check-deps: ## install the packages the build and the checks need (Debian, as root)
	$(Q)bash scripts/deps.sh build static test san images bench fuzz cri sbom labs browser
check: check-deps $(filter-out $(SL_ENGINE_CHECKS),$(CHECK_TARGETS)) ## every test: fast ones first, then the engine checks one at a time
	$(Q)$(MAKE) --no-print-directory -j1 $(filter $(SL_ENGINE_CHECKS),$(CHECK_TARGETS))

clean: ## remove the build trees
	rm -rf $(CLEAN_DIRS)

# Every target annotated with `## description` on its rule line.
help: ## list the public targets with a one-line description
	@awk -F ':[^#]*## ' '/^[A-Za-z0-9_.-]+:[^=#]*## / { printf "  %-28s %s\n", $$1, $$2 }' $(filter-out %.d,$(MAKEFILE_LIST))
