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

toolchain: $(TOOLCHAIN)/.done

# The proof, for each service binary:
#  1. readelf: ELF executable with no program interpreter and no dynamic
#     section (nothing for a loader to resolve);
#  2. as root: copied alone into an empty directory, it runs --version under
#     chroot (no /lib, no /etc, no loader), then serves in a private network
#     namespace, answers its own --healthcheck from inside the same empty
#     root, and exits 0 on SIGTERM. Not root: step 2 is reported skipped.
check-static: all
	@pass=0; fail=0; skip=0; \
	ok()  { echo "ok   $$1"; pass=$$((pass+1)); }; \
	bad() { echo "FAIL $$1"; fail=$$((fail+1)); }; \
	for bin in $(SL_BINS); do \
	  svc=$${bin##*/}; \
	  hdr=$$(LC_ALL=C readelf -lW "$$bin" 2>&1); \
	  dyn=$$(LC_ALL=C readelf -dW "$$bin" 2>&1); \
	  if echo "$$hdr" | grep -q 'INTERP\|DYNAMIC'; then bad "$$svc: has a program interpreter or dynamic segment"; \
	  elif ! echo "$$dyn" | grep -q 'no dynamic section'; then bad "$$svc: readelf -d: $$dyn"; \
	  else ok "$$svc: static ELF, no interpreter, no dynamic section ($$(stat -c %s "$$bin") bytes)"; fi; \
	  if [ "$$(id -u)" -ne 0 ]; then echo "skip $$svc: empty-root run needs root"; skip=$$((skip+1)); continue; fi; \
	  root=$$(mktemp -d); cp "$$bin" "$$root/svc"; \
	  extra=; [ "$$svc" = notes ] && extra="--db /notes.db"; \
	  if out=$$(chroot "$$root" /svc --version 2>&1) && echo "$$out" | grep -q '$(VERSION)'; then \
	    ok "$$svc: --version in an empty root: $$(echo "$$out" | head -n1)"; \
	  else bad "$$svc: --version in an empty root: $$out"; fi; \
	  if unshare --net sh -c ' \
	       ip link set lo up || exit 3; \
	       chroot "$$1" /svc --listen 127.0.0.1 --port 8080 $$2 >"$$1.log" 2>&1 & pid=$$!; \
	       i=0; until chroot "$$1" /svc --healthcheck --port 8080 >/dev/null 2>&1; do \
	         i=$$((i+1)); [ $$i -lt 50 ] || { kill -KILL $$pid; exit 4; }; sleep 0.1; done; \
	       kill -TERM $$pid; wait $$pid' sh "$$root" "$$extra"; then \
	    ok "$$svc: serves and passes --healthcheck in an empty root, exits 0 on SIGTERM"; \
	  else bad "$$svc: empty-root serve/healthcheck/SIGTERM (status $$?): $$(tail -n3 "$$root.log" 2>/dev/null)"; fi; \
	  rm -rf "$$root" "$$root.log"; \
	done; \
	[ -n "$(SL_BINS)" ] || bad "no service binaries to check"; \
	echo "$$pass passed, $$fail failed"; [ $$fail -eq 0 ]

else

toolchain:
	$(MAKE) STATIC=1 toolchain

# From a native or sanitizer build, check the static flavour: its unit
# tests and the proof above (never with sanitizers, see the error above).
check-static:
	$(MAKE) STATIC=1 SANITIZE= check-unit check-static

endif

CHECK_TARGETS += check-static
