#!/usr/bin/env bash
# test-contents.sh: what each image is made of, read from `docker inspect`
# and from the file listing of `docker export` (a created, never started
# container). The bug each check catches:
#   HEALTHCHECK uses --healthcheck   health check dropped or pointed at a tool
#                                    (curl, wget) the small images lack
#   OCI labels, version, base kind   labels missing or lying about the base:
#                                    an alpine stand-in labelled as upstream
#   numeric non-root user            multi-stage image runs as root, or as a
#                                    name that needs /etc/passwd to resolve
#   no shell in scratch              a shell copied into the scratch image
#   no compiler, package manager,    builder leftovers in a runtime image
#     header files (alpine, scratch)
#   no setuid/setgid files           privilege escalation paths left behind
#   sizes scratch < alpine < naive   a variant bloated by a wrong COPY or base
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_images

mk_version=$(sed -n 's/^VERSION *:= *//p' "$SL_ROOT/Makefile")
labels=(title version revision created source licenses base.name)

worker() {
  local img=$1 d v c listing
  d=$(describe "$img")
  v=$(variant_of "$img")
  inspect() { docker image inspect -f "$1" "$img"; }

  local hc
  hc=$(inspect '{{if .Config.Healthcheck}}{{json .Config.Healthcheck.Test}}{{end}}')
  [[ "$hc" == *--healthcheck* ]] && ok "$d: HEALTHCHECK runs --healthcheck ($hc)" ||
    not_ok "$d: HEALTHCHECK '${hc:-none}' does not run --healthcheck"

  local l val missing=()
  for l in "${labels[@]}"; do
    val=$(inspect "{{index .Config.Labels \"org.opencontainers.image.$l\"}}")
    [[ -n "$val" ]] || missing+=("$l")
  done
  [[ ${#missing[@]} == 0 ]] && ok "$d: OCI labels ${labels[*]} present" ||
    not_ok "$d: OCI labels missing: ${missing[*]}"
  val=$(inspect '{{index .Config.Labels "org.opencontainers.image.version"}}')
  [[ "$val" == "$mk_version" ]] && ok "$d: version label $val matches the Makefile" ||
    not_ok "$d: version label '$val' but the Makefile says $mk_version"
  local want
  want=$(expected_kind "$img")
  val=$(inspect '{{index .Config.Labels "org.slimline.base.kind"}}')
  [[ "$val" == "$want" ]] && ok "$d: org.slimline.base.kind=$val as in build/bases.env" ||
    not_ok "$d: org.slimline.base.kind='$val' but build/bases.env says $want"
  if [[ $v == alpine ]]; then
    val=$(inspect '{{index .Config.Labels "org.opencontainers.image.base.name"}}')
    [[ "$val" == "$ALPINE_IMAGE" ]] && ok "$d: base.name label names $val" ||
      not_ok "$d: base.name label '$val' but the base used is $ALPINE_IMAGE"
  fi

  multistage "$img" || return 0

  local user
  user=$(inspect '{{.Config.User}}')
  if [[ "$user" =~ ^[0-9]+(:[0-9]+)?$ && ${user%%:*} != 0 ]]; then
    ok "$d: runs as numeric non-root user $user"
  else
    not_ok "$d: user '${user:-<none> (root)}' is not a numeric non-root uid"
  fi

  c=$RUN_ID-export-${img//[\/:]/-}
  listing=$TMPD/${c}.tv
  if ! docker create --name "$c" "$img" >/dev/null || ! docker export "$c" | tar -tvf - >"$listing"; then
    not_ok "$d: cannot export its file system"
    return
  fi
  docker rm "$c" >/dev/null
  # tar -tv: perms owner size date time name [-> target]; names without ./
  local names
  names=$(awk '{ n = $6; for (i = 7; i <= NF && $i != "->"; i++) n = n " " $i; sub(/^\.?\//, "", n); sub(/\/$/, "", n); print n }' "$listing")

  if [[ $v == scratch ]]; then
    local shells
    shells=$(grep -E '(^|/)(sh|ash|bash|dash|zsh|busybox)$' <<<"$names" | tr '\n' ' ')
    [[ -z "$shells" ]] && ok "$d: no shell in the image" ||
      not_ok "$d: shell found: $shells"
  fi

  local bad
  bad=$(grep -E '(^|/)(gcc|cc|c\+\+|g\+\+|clang|tcc|musl-gcc|ld|as|make|apk|apt|apt-get|dpkg|dpkg-deb|rpm)$|\.h$' <<<"$names" | tr '\n' ' ')
  [[ -z "$bad" ]] && ok "$d: no compiler, package manager or header file" ||
    not_ok "$d: builder leftovers: $bad"

  local suid
  suid=$(awk 'substr($1, 4, 1) ~ /[sS]/ || substr($1, 7, 1) ~ /[sS]/ { print $NF }' "$listing" | tr '\n' ' ')
  [[ -z "$suid" ]] && ok "$d: no setuid or setgid file" ||
    not_ok "$d: setuid/setgid files: $suid"
}

echo "image content tests: $(images | wc -l) images, run id $RUN_ID"
run_workers

# Sizes: only when all three variants of a service are under test.
if [[ " ${VARIANTS_A[*]} " == *" naive "* && " ${VARIANTS_A[*]} " == *" alpine "* && " ${VARIANTS_A[*]} " == *" scratch "* ]]; then
  for s in "${SERVICES_A[@]}"; do
    sz() { docker image inspect -f '{{.Size}}' "$IMAGE_PREFIX/$s:$1"; }
    sc=$(sz scratch) al=$(sz alpine) na=$(sz naive)
    what="$IMAGE_PREFIX/$s sizes scratch $sc < alpine $al$([[ $ALPINE_IMAGE_KIND == upstream ]] || echo ' (alpine stand-in, not upstream alpine)') < naive $na bytes"
    ((sc < al && al < na))
    result $? "$what"
  done
fi
finish
