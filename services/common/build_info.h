/* build_info.h: what the build baked in (-DSL_VERSION=... etc., see
 * mk/services.mk), with the values an unconfigured build gets. */
#ifndef SL_COMMON_BUILD_INFO_H
#define SL_COMMON_BUILD_INFO_H

#ifndef SL_VERSION
#define SL_VERSION "0.0.0"
#endif
#ifndef SL_VARIANT
#define SL_VARIANT "unknown"
#endif
#ifndef SL_REVISION
#define SL_REVISION "unknown"
#endif
#ifndef SL_BUILD_DATE
#define SL_BUILD_DATE "unknown"
#endif

#endif
