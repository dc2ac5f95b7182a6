# docker/static.Dockerfile: one service as a fully static musl binary, on
# an alpine base or on an empty (scratch) image. Explained line by line in
# docs/dockerfiles.md.
#
#   docker build -f docker/static.Dockerfile --target scratch|alpine \
#     --build-arg SERVICE=hello|whoami|notes [--build-arg ...] .
#
# Stages: toolchain -> builder -> scratch | alpine (--target is required:
# without it the last stage, alpine, is built). Build arguments:
#   SERVICE        required (builder onward): hello | whoami | notes
#   DEBIAN_IMAGE   toolchain/builder base, default debian:bookworm-slim
#   ALPINE_IMAGE   alpine runtime base, default alpine:3.20
#   BASE_KIND, BASE_NOTE  org.slimline.base.kind/.note of the alpine image
#   VERSION        checked against the Makefile's VERSION when given
#   REVISION       git revision, baked into the binary and the labels
#   CREATED        RFC 3339 time for the labels and the binary's build date
#   SOURCE         org.opencontainers.image.source
#   LICENSES       org.opencontainers.image.licenses: the content of the
#                  image's /licenses/SPDX (scripts/images.sh passes it)
# The binary is /service, runs as 65532:65532 and listens on 8080.

ARG DEBIAN_IMAGE=debian:bookworm-slim
ARG ALPINE_IMAGE=alpine:3.20

# toolchain: musl-gcc, then static libmicrohttpd, SQLite and cmocka with
# their licence texts in /opt/toolchain (recipe: scripts/toolchain.sh).
# Nothing service-specific here, so every image shares these layers.
FROM ${DEBIAN_IMAGE} AS toolchain
WORKDIR /src
COPY scripts/deps.sh scripts/
RUN set -eux; \
    bash scripts/deps.sh static; \
    rm -rf /var/lib/apt/lists/* /run/slimline-apt-updated
COPY scripts/toolchain.sh scripts/
RUN set -eux; \
    bash scripts/toolchain.sh /opt/toolchain; \
    rm -rf /var/lib/apt/lists/* /etc/apt/sources.list.d/slimline-deb-src.*

# builder: every unit test against the musl libraries (shared by all
# services), then this service for each variant: build, smoke run, and its
# root file system with licences in /out/<variant>/rootfs.
FROM toolchain AS builder
COPY Makefile ./
COPY mk/static.mk mk/services.mk mk/
COPY services/ services/
COPY tests/unit/ tests/unit/
RUN make -j2 STATIC=1 TOOLCHAIN=/opt/toolchain BUILD=/build/test WERROR=1 check-unit
COPY LICENSE ./
COPY docker/check-args.sh docker/static-build.sh docker/smoke.sh docker/licenses.sh docker/
ARG SERVICE
ARG VERSION
ARG REVISION=unknown
ARG CREATED
RUN set -eux; \
    sh docker/check-args.sh; \
    bash docker/static-build.sh scratch; \
    bash docker/static-build.sh alpine

# scratch: the binary, its licences and nothing else. Ownership comes with
# the files: /service root-owned, /data (notes) 65532.
FROM scratch AS scratch
COPY --from=builder /out/scratch/rootfs/ /
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/service"]
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/service", "--healthcheck"]
ARG SERVICE
ARG VERSION
ARG REVISION=unknown
ARG CREATED
ARG SOURCE=unknown
ARG LICENSES=NOASSERTION
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

# alpine: the same files on an alpine base, its package manager and every
# setuid/setgid bit removed: nothing to install with or escalate through.
FROM ${ALPINE_IMAGE} AS alpine
RUN set -eux; \
    rm -rf /sbin/apk /etc/apk /lib/apk /usr/share/apk /var/cache/apk; \
    find / -xdev -type f \( -perm -4000 -o -perm -2000 \) -exec chmod a-s {} +
COPY --from=builder /out/alpine/rootfs/ /
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/service"]
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/service", "--healthcheck"]
ARG ALPINE_IMAGE
ARG SERVICE
ARG VERSION
ARG REVISION=unknown
ARG CREATED
ARG SOURCE=unknown
ARG LICENSES=NOASSERTION
ARG BASE_KIND=upstream
ARG BASE_NOTE="upstream alpine, pinned by tag"
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
