# size.sh: the size phase (one measurement per image, no repetitions: sizes
# are deterministic for a given image ID).
#   bytes_uncompressed  `image inspect .Size` in the main engine
#   bytes_wire, layers, blobs  the registry's schema 2 manifest after the push,
#                       through manifest-size (manifest + config + layers)
#   files               non-directory entries of all layer tarballs in
#                       `docker save` (whiteouts and files replaced by a later
#                       layer count once per layer)

phase_size() {
  local subj v man line files
  MANIFEST_SIZE_NOTE=''
  [[ -x "$MANIFEST_SIZE" ]] || MANIFEST_SIZE_NOTE="computed with jq: $MANIFEST_SIZE missing"
  phase_begin size ${#IMAGES[@]}
  for subj in "${IMAGES[@]}"; do
    progress "$subj" -
    if v=$(M image inspect -f '{{.Size}}' "$subj" 2>&1); then
      sample size "$subj" - - 0 0 bytes_uncompressed "$v" B ok
    else
      sample size "$subj" - - 0 0 bytes_uncompressed '' B fail "image inspect: $v"
    fi
    if man=$(manifest "$subj" 2>&1) && line=$(manifest_size <<<"$man" 2>&1); then
      sample size "$subj" - - 0 0 bytes_wire "$(kv wire_bytes "$line")" B ok "${MANIFEST_SIZE_NOTE:-}"
      sample size "$subj" - - 0 0 layers "$(kv layers "$line")" count ok
      sample size "$subj" - - 0 0 blobs "$(kv blobs "$line")" count ok
      WIRE_BYTES[$subj]=$(kv wire_bytes "$line")
    else
      for v in bytes_wire:B layers:count blobs:count; do
        sample size "$subj" - - 0 0 "${v%:*}" '' "${v#*:}" fail "registry manifest: ${man:0:200} ${line:-}"
      done
    fi
    if files=$(set -o pipefail; M save "$subj" | tar -xO --wildcards '*/layer.tar' | tar -tiv | awk '!/^d/ { n++ } END { print n + 0 }'); then
      sample size "$subj" - - 0 0 files "$files" count ok "non-directory entries of all layer tarballs"
    else
      sample size "$subj" - - 0 0 files '' count fail "docker save | tar failed"
    fi
  done
}

# manifest_size: manifest on stdin -> "wire_bytes=N layers=N blobs=N".
# Uses benchtools' manifest-size; a jq fallback (said in the sample detail)
# when it has not been built.
manifest_size() {
  if [[ -x "$MANIFEST_SIZE" ]]; then
    "$MANIFEST_SIZE"
  else
    local m
    m=$(cat)
    jq -r --argjson n "$(printf '%s' "$m" | wc -c)" \
      '"wire_bytes=\($n + .config.size + ([.layers[].size] | add // 0)) layers=\(.layers | length) blobs=\((.layers | length) + 1)"' <<<"$m"
  fi
}
