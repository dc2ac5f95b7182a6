# whoami: request echo. Unit tests of its pure modules; no extra libraries.
UNIT_TESTS += whoami_parse whoami_render
whoami_parse_SRCS := tests/unit/test_whoami_parse.c services/whoami/parse.c
whoami_render_SRCS := tests/unit/test_whoami_render.c services/whoami/render.c
