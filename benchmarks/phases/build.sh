# build.sh: image build times in the main engine, on a copy of the build
# context (the working tree is never edited).
#
# The copy: every file git knows plus untracked, not ignored ones, copied
# to a temporary directory. Timer: CLOCK_MONOTONIC around `docker build`
# (timeit), from the client's start to its exit.
#   build_cold     every .c and .h file under services/ in the copy gets a
#                  comment line appended first, so every layer from the
#                  first COPY of the sources on is rebuilt; layers before it
#                  (package installs, the musl toolchain stage) stay cached.
#                  That is "cold" here: a cold service build, not a cold
#                  toolchain. --build-cold full adds --no-cache (everything,
#                  package downloads included).
#   build_rebuild  right after a cold build of the same image: one comment
#                  line appended to one source file of the service
#                  (services/SERVICE/main.c, else its first .c file).
# The build runs the copy's scripts/images.sh for one service and variant
# (tag slb-build/SERVICE:VARIANT), so builder, arguments and layer cache are
# those of `make images`; the timer includes that script's own overhead
# (well under a second). With --build-cold full, or when the copy has no
# scripts/images.sh, a plain docker build is used instead; it can be
# replaced with SL_BENCH_BUILD_CMD,
# a template with {context} {dockerfile_dir} {service} {variant} {tag}.

build_cmd() {
  local ctx=$1 svc=$2 var=$3 tag=$4 t
  if [[ -n "${SL_BENCH_BUILD_CMD:-}" ]]; then
    t=$SL_BENCH_BUILD_CMD
    t=${t//\{context\}/$ctx} t=${t//\{service\}/$svc} t=${t//\{variant\}/$var} t=${t//\{tag\}/$tag}
    echo "$t"
    return
  fi
  local args=(build -q -t "$tag" --build-arg "SERVICE=$svc" --build-arg "VARIANT=$var")
  local b
  for b in DEBIAN_IMAGE DEBIAN_SLIM_IMAGE ALPINE_IMAGE; do
    [[ -z "${BASES[$b]:-}" ]] || args+=(--build-arg "$b=${BASES[$b]}")
  done
  [[ "$BUILD_COLD" != full ]] || args+=(--no-cache)
  case "$var" in
    naive) args+=(-f "$ctx/docker/naive.Dockerfile") ;;
    *) args+=(-f "$ctx/docker/static.Dockerfile" --target "$var") ;;
  esac
  echo "$ENGINE ${args[*]} $ctx"
}

build_copy() {
  local dst=$1
  rm -rf "$dst"
  mkdir -p "$dst"
  (cd "$ROOT" && git ls-files -z -co --exclude-standard | tar --null -T - -cf - 2>/dev/null) | tar -C "$dst" -xf -
}

build_edit_one() {
  local ctx=$1 svc=$2 f
  f=$ctx/services/$svc/main.c
  [[ -f "$f" ]] || f=$(find "$ctx/services/$svc" -name '*.c' | sort | head -n1)
  [[ -n "$f" ]] || return 1
  echo "/* bench: rebuild after a one-line edit $(date +%s%N) */" >>"$f"
}

build_edit_all() {
  local ctx=$1 tagline
  tagline="/* bench: cold build $(date +%s%N) */"
  find "$ctx/services" -name '*.[ch]' -print0 | while IFS= read -r -d '' f; do echo "$tagline" >>"$f"; done
}

build_sample() {
  local phase=$1 subj=$2 rep=$3 ctx=$4 svc=$5 var=$6 tag cmd res
  tag="slb-build/$svc:$var"
  if [[ -f "$ctx/scripts/images.sh" && "$BUILD_COLD" != full && -z "${SL_BENCH_BUILD_CMD:-}" ]]; then
    # The project's own build script in the copy: the same builder (BuildKit
    # where available), arguments and cache as `make images`.
    cmd="env IMAGE_PREFIX=slb-build SERVICES=$svc VARIANTS=$var ENGINE=$ENGINE SL_BUILD_DIR=$ctx/build REVISION=$BUILD_REVISION CREATED=$BUILD_CREATED bash $ctx/scripts/images.sh"
  else
    cmd=$(build_cmd "$ctx" "$svc" "$var" "$tag")
  fi
  echo "== $phase $subj rep $rep: $cmd" >>"$OUT/logs/build.log"
  # shellcheck disable=SC2086 # the command line is a template on purpose
  if res=$("$TIMEIT" -- $cmd 2>>"$OUT/logs/build.log"); then
    sample "$phase" "$subj" - - "$rep" 0 seconds "$(kv seconds "$res")" s ok "$BUILD_DETAIL"
  else
    sample "$phase" "$subj" - - "$rep" 0 seconds '' s fail "build failed (logs/build.log); $BUILD_DETAIL"
  fi
}

# step_build SUBJECT PROFILE RUNTIME REP WARMUP NOTE: one cold build and one
# rebuild of SUBJECT's service and variant, on a copy of the context made
# at the first build step.
step_build() {
  local subj=$1 rep=$4 ctx=$BENCH_WORK/context svc var
  svc=${IMG_SERVICE[$subj]} var=${IMG_VARIANT[$subj]}
  build_prepare "$ctx"
  build_edit_all "$ctx"
  build_sample build_cold "$subj" "$rep" "$ctx" "$svc" "$var"
  build_edit_one "$ctx" "$svc"
  build_sample build_rebuild "$subj" "$rep" "$ctx" "$svc" "$var"
  M rmi "slb-build/$svc:$var" >/dev/null 2>&1 || true
}

build_prepare() {
  local ctx=$1
  [[ ! -d "$ctx" ]] || return 0
  BUILD_DETAIL="cold=$BUILD_COLD; scripts/images.sh of the copy (its builder choice, BuildKit by default)"
  [[ "$BUILD_COLD" != full ]] || BUILD_DETAIL="cold=full: docker build --no-cache, client's default builder"
  build_copy "$ctx"
  mkdir -p "$ctx/build"
  cp "$BUILD_DIR/bases.env" "$ctx/build/" 2>/dev/null
  BUILD_REVISION=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  BUILD_CREATED=$(TZ=UTC git -C "$ROOT" log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd 2>/dev/null || echo unknown)
}

block_end_build() { rm -rf "$BENCH_WORK/context"; }
