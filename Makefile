# slimline: small C HTTP services, three container variants each, and a
# benchmark harness that measures what each variant costs.
#
#   make            build every service natively (Debian shared libraries)
#   make STATIC=1   fully static musl binaries (see mk/static.mk)
#   make check      every test: unit, integration, images, quick bench
#   make bench      the benchmark harness with its embedded defaults
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
-include mk/benchtools.mk
-include mk/fuzz.mk
-include mk/images.mk
-include mk/bench.mk
-include mk/k8s.mk
-include mk/cri.mk
-include mk/sbom.mk
-include mk/labs.mk

.PHONY: all check check-deps clean install
# static.mk is read first for its variables, but its check (which builds
# the musl toolchain) belongs after the fast native tests.
CHECK_TARGETS := $(patsubst check-integration,check-integration check-static,\
  $(filter-out check-static,$(CHECK_TARGETS)))
# make check installs what it is missing first (Debian/Ubuntu as root), or
# stops with the exact apt-get line.
check-deps:
	$(Q)bash scripts/deps.sh build static test san images bench fuzz cri sbom
check: check-deps $(CHECK_TARGETS)

clean:
	rm -rf $(CLEAN_DIRS)
