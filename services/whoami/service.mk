# whoami: request echo. No extra libraries. One unit test program per
# module; the handler test links the whole service but main.c.
UNIT_TESTS += whoami_parse whoami_render whoami_handlers
whoami_parse_SRCS := tests/unit/test_whoami_parse.c services/whoami/parse.c
whoami_render_SRCS := tests/unit/test_whoami_render.c services/whoami/render.c
whoami_handlers_SRCS := tests/unit/test_whoami_handlers.c \
  services/whoami/whoami.c services/whoami/host.c services/whoami/parse.c \
  services/whoami/render.c
# Seam: the tests can make the layer's timer fire at once, cut short.
whoami_handlers_LDFLAGS := -Wl,--wrap=svc_after
