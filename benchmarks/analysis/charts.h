/* charts: gnuplot data files and scripts for the report, and running them. */
#ifndef SL_ANALYSIS_CHARTS_H
#define SL_ANALYSIS_CHARTS_H

#include "report.h"

#include <stddef.h>

/* Write DIR/{size,pull,start,pods}.{dat,gp} from r (DIR must exist). Returns 0
 * or -1 with a message in err. */
int charts_write(const struct report *r, const char *dir, char *err,
                 size_t errlen);

/* Run `gnuplot SCRIPT` in DIR for each of the four scripts (gnuplot: a
 * program name looked up in PATH, or a path). Each script writes an .svg
 * and a .png. Returns 0 when all succeeded, else -1 with a message in note
 * (e.g. gnuplot missing); never fatal for the report. */
int charts_render(const char *dir, const char *gnuplot, char *note,
                  size_t notelen);

#endif
