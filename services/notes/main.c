/* notes: a small REST API over SQLite (see docs/notes.md). */
#include "api.h"

int main(int argc, char **argv) { return svc_main(&notes_service, argc, argv); }
