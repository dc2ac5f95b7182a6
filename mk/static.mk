# static.mk: fully static musl builds (make STATIC=1) and their proof.
#
#   make STATIC=1            build/static/bin/* against $(TOOLCHAIN)
#   make STATIC=1 toolchain  only the static libraries (scripts/toolchain.sh)
#   make check-static        static build, its unit tests, and the proof that
#                            each binary is fully static and runs alone in an
#                            empty root (chroot, private network namespace)
#
# The recipe itself lives in scripts/toolchain.sh (also used by the image
# builder stage, docker/static.Dockerfile). This fragment only points the
# build at it through the SL_* variables that mk/services.mk reads:
#   SL_DEP_CFLAGS SL_MHD_LIBS SL_SQLITE_LIBS SL_CMOCKA_CFLAGS SL_CMOCKA_LIBS
#   SL_LDSTATIC SL_DEP_PREREQ

TOOLCHAIN ?= $(BUILD)/toolchain

.PHONY: toolchain check-static

ifeq ($(STATIC),1)

ifeq ($(SANITIZE),1)
$(error STATIC=1 and SANITIZE=1 cannot be combined: the sanitizer runtimes need glibc and a dynamic loader)
endif

# musl-gcc unless the user chose a compiler.
ifeq ($(origin CC),default)
CC := musl-gcc
endif

# Per-function sections let --gc-sections drop the unused parts of
# libmicrohttpd, SQLite and the shared layer; they are code-generation
# flags for the static flavour only, so they ride along with the include
# path rather than in the user's CFLAGS.
SL_DEP_CFLAGS := -I$(TOOLCHAIN)/include -ffunction-sections -fdata-sections \
  -fno-asynchronous-unwind-tables -fno-unwind-tables
SL_MHD_LIBS := -L$(TOOLCHAIN)/lib -lmicrohttpd
SL_SQLITE_LIBS := -L$(TOOLCHAIN)/lib -lsqlite3 -lm
SL_CMOCKA_CFLAGS := -I$(TOOLCHAIN)/include
SL_CMOCKA_LIBS := -L$(TOOLCHAIN)/lib -lcmocka
# -s: no symbols in shipped binaries (debug with a non-static build).
SL_LDSTATIC := -static -Wl,--gc-sections -s
SL_DEP_PREREQ := $(TOOLCHAIN)/.done

# The script decides whether anything needs rebuilding (its stamp holds a
# fingerprint of the recipe); touching the stamp afterwards tells make the
# same. The script is a prerequisite only where it exists, so a tree that
# holds a prebuilt toolchain (the image builder stage) needs no sources.
$(TOOLCHAIN)/.done: $(wildcard scripts/toolchain.sh)
	@bash scripts/deps.sh static
	bash scripts/toolchain.sh $(TOOLCHAIN)
	@touch $@

toolchain: $(TOOLCHAIN)/.done ## only the static musl libraries (scripts/toolchain.sh)

# The proof (tests/static/proof.sh): each binary is a static ELF with no
# interpreter and no dynamic section, and, as root, runs --version, serves
# and passes --healthcheck alone in an empty root. Not root: those are
# skips, shown as skips.
check-static: all ## static build, its unit tests, and the proof each binary runs alone
	$(Q)VERSION='$(VERSION)' bash tests/static/proof.sh $(SL_BINS)

else

toolchain:
	$(MAKE) STATIC=1 toolchain

# From a native or sanitizer build, check the static flavour: its unit
# tests and the proof above (never with sanitizers, see the error above).
check-static:
	$(MAKE) STATIC=1 SANITIZE= check-unit check-static

endif

CHECK_TARGETS += check-static
