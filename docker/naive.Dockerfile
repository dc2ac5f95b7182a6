# docker/naive.Dockerfile: the "before" picture. One stage, the way many
# first Dockerfiles look: a full Debian base, compiler and -dev packages
# installed, the source built in place, a dynamically linked binary, and
# everything left inside. Honest and working (it is what the other
# variants are measured against), just not slimmed. See docs/dockerfiles.md.
#
# Interface (context = repository root):
#   docker build -f docker/naive.Dockerfile --build-arg SERVICE=hello|whoami|notes .
# Build arguments:
#   SERVICE        required: hello | whoami | notes
#   DEBIAN_IMAGE   base, default debian:bookworm
#   BASE_KIND      org.slimline.base.kind: upstream (default) | local-standin
#   BASE_NOTE      org.slimline.base.note
#   VERSION, REVISION, CREATED, SOURCE, LICENSES  as in static.Dockerfile
# The binary is /usr/local/bin/service (exec-form CMD cannot expand a build
# argument); it runs as root (the naive default) and listens on 8080.

ARG DEBIAN_IMAGE=debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential pkg-config libmicrohttpd-dev libsqlite3-dev; \
    rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile ./
COPY mk/static.mk mk/services.mk mk/
COPY services/ services/

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
    make -j2 VARIANT=naive REVISION=${REVISION} ${CREATED:+BUILD_DATE=${CREATED}} build/native/bin/${SERVICE}; \
    install -m 0755 build/native/bin/${SERVICE} /usr/local/bin/service; \
    if [ "${SERVICE}" = notes ]; then mkdir -p /data; fi
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/service", "--healthcheck"]
CMD ["/usr/local/bin/service"]

ARG DEBIAN_IMAGE
ARG SOURCE=unknown
ARG LICENSES=MIT
ARG BASE_KIND=upstream
ARG BASE_NOTE="upstream debian, pinned by tag"
LABEL org.opencontainers.image.title="slimline-${SERVICE}" \
      org.opencontainers.image.version="${VERSION:-unknown}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED:-unknown}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="${LICENSES}" \
      org.opencontainers.image.base.name="${DEBIAN_IMAGE}" \
      org.slimline.variant="naive" \
      org.slimline.base.kind="${BASE_KIND}" \
      org.slimline.base.note="${BASE_NOTE}"
