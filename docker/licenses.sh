#!/usr/bin/env bash
# docker/licenses.sh: SPDX expressions of a binary and what is linked into
# it (sourced by static-build.sh and naive-licenses.sh, in the build
# context; also by scripts/sbom.sh on the host).
#
#   lic_project_spdx LICENSE   the project's own expression, read from its
#                              LICENSE file's title ("MIT License" -> MIT)
#   lic_combine EXPR...        one expression for all of them: EXPRs are
#                              split at their top-level AND, terms that hold
#                              an OR are kept in parentheses, and repeated
#                              terms are kept once, in first-seen order
# Both print on stdout and return 1 with a message on stderr on bad input.

lic_project_spdx() {
  local title
  title=$(head -n 1 "$1" 2>/dev/null) || { echo "licenses.sh: cannot read $1" >&2; return 1; }
  case "$title" in
    "MIT License") echo MIT ;;
    *) echo "licenses.sh: $1 starts with '$title': no SPDX id known for it (add it to lic_project_spdx)" >&2; return 1 ;;
  esac
}

lic_combine() {
  local expr
  for expr in "$@"; do
    [[ -n "${expr//[[:space:]]/}" ]] || { echo "licenses.sh: empty SPDX expression" >&2; return 1; }
    printf '%s\n' "$expr"
  done | awk '
    # Split one expression at the ANDs outside parentheses.
    function terms(s, out,    n, depth, i, c, cur, rest) {
      n = 0; depth = 0; cur = ""
      for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "(") depth++
        if (c == ")") depth--
        rest = substr(s, i)
        if (depth == 0 && rest ~ /^ AND /) { out[++n] = cur; cur = ""; i += 4; continue }
        cur = cur c
      }
      out[++n] = cur
      return n
    }
    {
      gsub(/^[ \t]+|[ \t]+$/, "")
      n = terms($0, t)
      for (i = 1; i <= n; i++) {
        term = t[i]
        if (term ~ / OR / && term !~ /^\(.*\)$/) term = "(" term ")"
        if (!(term in seen)) { seen[term] = 1; list = list (list == "" ? "" : " AND ") term }
      }
    }
    END { if (list == "") exit 1; print list }'
}
