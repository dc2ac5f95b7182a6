# docker/naive.Dockerfile: the "before" picture. One stage, the way many
# first Dockerfiles look: a full Debian base, compiler and -dev packages
# installed, the source built in place, a dynamically linked binary, and
# everything left inside. Honest and working (it is what the other
# variants are measured against), just not slimmed. See docs/dockerfiles.md.
#
#   docker build -f docker/naive.Dockerfile --build-arg SERVICE=hello|whoami|notes .
#
# Build arguments: SERVICE (required), DEBIAN_IMAGE (default
# debian:bookworm), BASE_KIND, BASE_NOTE, VERSION, REVISION, CREATED,
# SOURCE, LICENSES as in static.Dockerfile (LICENSES: the content of
# /usr/share/doc/slimline/SPDX). The binary is /usr/local/bin/service; it
# runs as root (the naive default) and listens on 8080.

ARG DEBIAN_IMAGE=debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential pkg-config libmicrohttpd-dev libsqlite3-dev; \
    rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile LICENSE ./
COPY mk/static.mk mk/services.mk mk/
COPY services/ services/
COPY docker/check-args.sh docker/naive-licenses.sh docker/licenses.sh docker/naive-licenses.tsv docker/

ARG SERVICE
ARG VERSION
ARG REVISION=unknown
ARG CREATED
RUN set -eux; \
    sh docker/check-args.sh; \
    make -j2 VARIANT=naive REVISION=${REVISION} ${CREATED:+BUILD_DATE=${CREATED}} build/native/bin/${SERVICE}; \
    install -m 0755 build/native/bin/${SERVICE} /usr/local/bin/service; \
    if [ "${SERVICE}" = notes ]; then mkdir -p /data; fi
# Licences of what the binary loads: ldd -> Debian packages -> their
# copyright files (already in /usr/share/doc), summed up in
# /usr/share/doc/slimline/SPDX with the project's own.
RUN bash docker/naive-licenses.sh /usr/local/bin/service
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/service", "--healthcheck"]
CMD ["/usr/local/bin/service"]

ARG DEBIAN_IMAGE
ARG SOURCE=unknown
ARG LICENSES=NOASSERTION
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
