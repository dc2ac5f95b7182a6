#!/usr/bin/env bash
# images.sh: build every image (services x variants) on the bases recorded
# in build/bases.env, tagged $IMAGE_PREFIX/<service>:<variant>.
#
#   naive    docker/naive.Dockerfile                  on DEBIAN_IMAGE
#   alpine   docker/static.Dockerfile --target alpine on ALPINE_IMAGE
#   scratch  docker/static.Dockerfile --target scratch (FROM scratch)
#   (the static builder stage runs on DEBIAN_SLIM_IMAGE)
#
# Environment (defaults in brackets; mk/images.mk passes them):
#   IMAGE_PREFIX [slimline]  SERVICES [hello whoami notes]
#   VARIANTS [naive alpine scratch]
#   BUILDER [buildkit]  buildkit: BuildKit (a client with buildx, else
#                       Debian's /usr/bin/docker 20.10 and its built-in
#                       BuildKit); legacy: the legacy builder (DOCKER_BUILDKIT=0)
#   ENGINE [docker]     the client command; anything but docker is used as is
#   VERSION REVISION CREATED   recorded in labels and binaries; CREATED
#                       defaults to the commit time, which keeps the cache warm
# The licenses label: a label cannot be computed inside a build, so each
# image is built twice: the first build writes the SPDX expression of the
# binary and what it links into the image (/licenses/SPDX, naive:
# /usr/share/doc/slimline/SPDX); the second passes it as LICENSES, and only
# the LABEL step, the last one, is rebuilt (everything else is cached).
#   SL_BUILD_DIR [build]
# Writes build/images-<builder>.tsv: service, variant, seconds, image id, base.
# Exit status: 0 all built, 1 a build failed (its log tail is shown), 2 usage.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
build_dir=${SL_BUILD_DIR:-$root/build}
prefix=${IMAGE_PREFIX:-slimline}
read -r -a services <<<"${SERVICES:-hello whoami notes}"
read -r -a variants <<<"${VARIANTS:-naive alpine scratch}"
builder=${BUILDER:-buildkit}
engine=${ENGINE:-docker}

say() { echo "images.sh: $*" >&2; }
die() { say "$*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

cd "$root"
version=${VERSION:-$(sed -n 's/^VERSION *:= *//p' Makefile)}
revision=${REVISION:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}
created=${CREATED:-$(TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)}
source_url=${SOURCE:-$(git config --get remote.origin.url 2>/dev/null || echo unknown)}

bases_env=$build_dir/bases.env
[[ -r "$bases_env" ]] || die "cannot build images: $bases_env missing (run make bases)"
# shellcheck source=/dev/null
. "$bases_env"
for v in DEBIAN_IMAGE DEBIAN_IMAGE_KIND DEBIAN_SLIM_IMAGE DEBIAN_SLIM_IMAGE_KIND ALPINE_IMAGE ALPINE_IMAGE_KIND; do
  [[ -n "${!v:-}" ]] || die "cannot build images: $v missing from $bases_env (run make bases)"
done

# --- the client and builder ---------------------------------------------
client=()
case "$builder" in
  buildkit)
    if [[ "$engine" != docker ]]; then
      client=("$engine")
    elif docker buildx version >/dev/null 2>&1; then
      client=(env DOCKER_BUILDKIT=1 docker)
    else
      # Clients before 23.0 drive the engine's built-in BuildKit; Debian's
      # docker.io ships one as /usr/bin/docker.
      for c in $(type -ap docker) /usr/bin/docker; do
        major=$("$c" version -f '{{.Client.Version}}' 2>/dev/null | cut -d. -f1) || continue
        if [[ "$major" =~ ^[0-9]+$ ]] && ((major < 23)); then
          client=(env DOCKER_BUILDKIT=1 "$c")
          break
        fi
      done
    fi
    [[ ${#client[@]} -gt 0 ]] || die "cannot use BuildKit: no client with the buildx plugin and no client older than 23.0 (install docker.io or docker-buildx)"
    ;;
  legacy)
    if [[ "$engine" != docker ]]; then
      client=("$engine")
    else
      client=(env DOCKER_BUILDKIT=0 docker)
    fi
    ;;
  *) echo "images.sh: unknown BUILDER '$builder' (known: buildkit legacy)" >&2; exit 2 ;;
esac
for s in "${services[@]}"; do
  [[ -d "services/$s" ]] || { echo "images.sh: unknown service '$s': no services/$s" >&2; exit 2; }
done
for v in "${variants[@]}"; do
  case "$v" in naive | alpine | scratch) ;; *) echo "images.sh: unknown variant '$v' (known: naive alpine scratch)" >&2; exit 2 ;; esac
done

label_of() { "$engine" image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true; }

# spdx_of IMAGE VARIANT: the SPDX expression the image's build wrote.
spdx_of() {
  local path=/licenses/SPDX cid expr
  [[ $2 != naive ]] || path=/usr/share/doc/slimline/SPDX
  cid=$("$engine" create "$1") || return 1
  expr=$("$engine" cp "$cid:$path" - | tar -xOf -) || expr=
  "$engine" rm "$cid" >/dev/null
  [[ -n "$expr" ]] || { say "cannot read $path from $1"; return 1; }
  echo "$expr"
}

alpine_note="$ALPINE_IMAGE ($ALPINE_IMAGE_KIND)"
if [[ "$ALPINE_IMAGE_KIND" != upstream ]]; then
  alpine_note="$ALPINE_IMAGE: alpine stand-in, not upstream alpine"
fi
say "builder $builder (${client[*]}), prefix $prefix, version $version, revision $revision, created $created"
say "bases: naive on $DEBIAN_IMAGE ($DEBIAN_IMAGE_KIND); builder stage on $DEBIAN_SLIM_IMAGE ($DEBIAN_SLIM_IMAGE_KIND); alpine on $alpine_note"

mkdir -p "$build_dir/images"
tsv=$build_dir/images-$builder.tsv
printf 'service\tvariant\tseconds\timage_id\tbase\tbase_kind\tbuilder\n' >"$tsv.tmp"
common=(--build-arg "VERSION=$version" --build-arg "REVISION=$revision"
  --build-arg "CREATED=$created" --build-arg "SOURCE=$source_url")
t_all=$(now)
for s in "${services[@]}"; do
  for v in "${variants[@]}"; do
    tag=$prefix/$s:$v
    log=$build_dir/images/$s-$v-$builder.log
    case $v in
      naive)
        base=$DEBIAN_IMAGE kind=$DEBIAN_IMAGE_KIND
        args=(-f docker/naive.Dockerfile --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE"
          --build-arg "BASE_KIND=$kind" --build-arg "BASE_NOTE=$(label_of "$base" org.slimline.base.note)")
        ;;
      alpine)
        base=$ALPINE_IMAGE kind=$ALPINE_IMAGE_KIND
        note=$(label_of "$base" org.slimline.base.note)
        args=(-f docker/static.Dockerfile --target alpine
          --build-arg "DEBIAN_IMAGE=$DEBIAN_SLIM_IMAGE" --build-arg "ALPINE_IMAGE=$ALPINE_IMAGE"
          --build-arg "BASE_KIND=$kind" --build-arg "BASE_NOTE=${note:-upstream alpine, pinned by tag}")
        ;;
      scratch)
        base=scratch kind=upstream
        args=(-f docker/static.Dockerfile --target scratch --build-arg "DEBIAN_IMAGE=$DEBIAN_SLIM_IMAGE")
        ;;
    esac
    [[ -f "${args[1]}" ]] || die "cannot build $tag: ${args[1]} missing"
    what="$tag on $base"
    if [[ $v == alpine && $kind != upstream ]]; then what+=" (alpine stand-in, not upstream alpine)"; fi
    say "building $what"
    t0=$(now)
    if ! "${client[@]}" build "${args[@]}" "${common[@]}" --build-arg "SERVICE=$s" -t "$tag" . >"$log" 2>&1; then
      tail -n 30 "$log" >&2
      die "cannot build $tag (full log: $log)"
    fi
    spdx=$(spdx_of "$tag" "$v") || die "cannot label $tag: no SPDX expression in the image (log: $log)"
    if [[ "$(label_of "$tag" org.opencontainers.image.licenses)" != "$spdx" ]]; then
      if ! "${client[@]}" build "${args[@]}" "${common[@]}" --build-arg "SERVICE=$s" \
        --build-arg "LICENSES=$spdx" -t "$tag" . >>"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "cannot build $tag with its licenses label (full log: $log)"
      fi
    fi
    say "$tag licenses: $spdx"
    dt=$(secs "$t0")
    id=$("$engine" image inspect -f '{{.Id}}' "$tag")
    size=$("$engine" image inspect -f '{{.Size}}' "$tag")
    say "built $tag in $dt s, $size bytes, ${id:7:12}"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$v" "$dt" "$id" "$base" "$kind" "$builder" >>"$tsv.tmp"
  done
done
mv "$tsv.tmp" "$tsv"
say "all ${#services[@]}x${#variants[@]} images built with $builder in $(secs "$t_all") s (times: $tsv)"
for s in "${services[@]}"; do
  for v in "${variants[@]}"; do
    "$engine" image ls --format '{{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.Size}}' "$prefix/$s:$v" >&2
  done
done
