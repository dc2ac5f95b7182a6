# hello: no extra libraries; one unit test program.
UNIT_TESTS += hello
hello_SRCS := tests/unit/test_hello.c services/hello/hello.c
