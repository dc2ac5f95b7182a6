# docker/static.Dockerfile: one service as a fully static musl binary, on
# an alpine base or on an empty (scratch) image. Explained line by line in
# docs/dockerfiles.md.
#
# Interface (context = repository root):
#   docker build -f docker/static.Dockerfile --target alpine|scratch \
#     --build-arg SERVICE=hello|whoami|notes [--build-arg ...] .
# Targets (in order):
#   toolchain  musl-gcc + static libmicrohttpd, SQLite, cmocka in
#              /opt/toolchain; identical for every service (shared cache)
#   builder    unit tests, both static builds (VARIANT=scratch, alpine),
#              smoke run; /out/<variant>/rootfs holds what an image gets
#   scratch    FROM scratch: /service (+ /data for notes)
#   alpine     FROM $ALPINE_IMAGE, package manager and setuid bits removed
#   (--target is required: without it the last stage, alpine, is built.)
# Build arguments:
#   SERVICE        required (builder onward): hello | whoami | notes
#   DEBIAN_IMAGE   toolchain/builder base, default debian:bookworm-slim
#   ALPINE_IMAGE   alpine runtime base, default alpine:3.20
#   BASE_KIND      org.slimline.base.kind of the alpine image:
#                  upstream (default) | local-standin
#   BASE_NOTE      org.slimline.base.note of the alpine image
#   VERSION        checked against the Makefile's VERSION when given
#   REVISION       git revision, baked into the binary and the labels
#   CREATED        RFC 3339 time for the labels and the binary's build
#                  date; pass the commit time to keep the cache warm
#   SOURCE, LICENSES  org.opencontainers.image.source / .licenses
# The binary is /service in both images (exec-form ENTRYPOINT cannot expand
# a build argument), runs as 65532:65532 and listens on 8080.

ARG DEBIAN_IMAGE=debian:bookworm-slim
ARG ALPINE_IMAGE=alpine:3.20

# ---------------------------------------------------------------- toolchain
# No ARG before the RUNs below: every service shares these layers.
FROM ${DEBIAN_IMAGE} AS toolchain
WORKDIR /src
COPY scripts/deps.sh scripts/
RUN set -eux; \
    bash scripts/deps.sh static; \
    rm -rf /var/lib/apt/lists/* /run/slimline-apt-updated
COPY scripts/toolchain.sh scripts/
RUN set -eux; \
    bash scripts/toolchain.sh /opt/toolchain; \
    cat /opt/toolchain/VERSIONS; \
    rm -rf /var/lib/apt/lists/* /etc/apt/sources.list.d/slimline-deb-src.*

# ------------------------------------------------------------------ builder
FROM toolchain AS builder
COPY Makefile ./
COPY mk/static.mk mk/services.mk mk/
COPY services/ services/
COPY tests/unit/ tests/unit/
# Every unit test of every service, against the musl libraries; still
# before ARG SERVICE, so the three services share this layer too.
RUN make -j2 STATIC=1 TOOLCHAIN=/opt/toolchain BUILD=/build/test WERROR=1 check-unit

ARG SERVICE
ARG VERSION
ARG REVISION=unknown
ARG CREATED
RUN set -eux; \
    test -n "${SERVICE:-}" || { echo "failure: --build-arg SERVICE=hello|whoami|notes is required" >&2; exit 2; }; \
    test -d "services/${SERVICE}" || { echo "failure: unknown SERVICE '${SERVICE}': no services/${SERVICE}" >&2; exit 2; }; \
    mkversion=$(sed -n 's/^VERSION *:= *//p' Makefile); \
    if [ -n "${VERSION:-}" ] && [ "${VERSION}" != "${mkversion}" ]; then \
      echo "failure: VERSION=${VERSION} but the Makefile says ${mkversion}" >&2; exit 2; \
    fi; \
    for variant in scratch alpine; do \
      make -j2 STATIC=1 TOOLCHAIN=/opt/toolchain BUILD=/build/${variant} WERROR=1 \
        VARIANT=${variant} REVISION=${REVISION} ${CREATED:+BUILD_DATE=${CREATED}} \
        /build/${variant}/static/bin/${SERVICE}; \
      bin=/build/${variant}/static/bin/${SERVICE}; \
      "${bin}" --version | grep -F "variant ${variant}"; \
      extra=""; if [ "${SERVICE}" = notes ]; then extra="--db /tmp/smoke-${variant}.db"; fi; \
      "${bin}" --listen 127.0.0.1 --port 8080 ${extra} >/tmp/smoke.log 2>&1 & pid=$!; \
      i=0; until "${bin}" --healthcheck --port 8080; do \
        i=$((i+1)); if [ $i -ge 50 ]; then cat /tmp/smoke.log; kill $pid; exit 1; fi; sleep 0.1; \
      done; \
      kill -TERM $pid; wait $pid; \
      rootfs=/out/${variant}/rootfs; \
      mkdir -p "${rootfs}"; \
      install -m 0755 "${bin}" "${rootfs}/service"; \
      if [ "${SERVICE}" = notes ]; then install -d -m 0750 -o 65532 -g 65532 "${rootfs}/data"; fi; \
    done; \
    ls -lnR /out

# ------------------------------------------------------------------ scratch
FROM scratch AS scratch
ARG SERVICE
ARG VERSION
ARG REVISION=unknown
ARG CREATED
ARG SOURCE=unknown
ARG LICENSES=MIT
# Ownership comes with the files: /service root-owned, /data (notes) 65532.
COPY --from=builder /out/scratch/rootfs/ /
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/service"]
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/service", "--healthcheck"]
LABEL org.opencontainers.image.title="slimline-${SERVICE}" \
      org.opencontainers.image.version="${VERSION:-unknown}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED:-unknown}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="${LICENSES}" \
      org.opencontainers.image.base.name="scratch" \
      org.slimline.variant="scratch" \
      org.slimline.base.kind="upstream" \
      org.slimline.base.note="FROM scratch: no base image, the static binary alone"

# ------------------------------------------------------------------- alpine
FROM ${ALPINE_IMAGE} AS alpine
ARG ALPINE_IMAGE
ARG SERVICE
ARG VERSION
ARG REVISION=unknown
ARG CREATED
ARG SOURCE=unknown
ARG LICENSES=MIT
ARG BASE_KIND=upstream
ARG BASE_NOTE="upstream alpine, pinned by tag"
# No package manager and no setuid/setgid file left: nothing to install
# with and nothing to escalate through at run time.
RUN set -eux; \
    rm -rf /sbin/apk /etc/apk /lib/apk /usr/share/apk /var/cache/apk; \
    find / -xdev -type f \( -perm -4000 -o -perm -2000 \) -exec chmod a-s {} +
COPY --from=builder /out/alpine/rootfs/ /
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/service"]
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/service", "--healthcheck"]
LABEL org.opencontainers.image.title="slimline-${SERVICE}" \
      org.opencontainers.image.version="${VERSION:-unknown}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED:-unknown}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="${LICENSES}" \
      org.opencontainers.image.base.name="${ALPINE_IMAGE}" \
      org.slimline.variant="alpine" \
      org.slimline.base.kind="${BASE_KIND}" \
      org.slimline.base.note="${BASE_NOTE}"
