/*
 * What speexdsp's configure generates from include/speex/speexdsp_config_types.h.in on a C99
 * system. Ours. Only used on platforms where speexdsp_types.h has no branch of its own (Linux;
 * Windows and macOS take the _WIN32 and __APPLE__ branches of that header).
 */
#ifndef __SPEEX_TYPES_H__
#define __SPEEX_TYPES_H__

#include <stdint.h>

typedef int16_t spx_int16_t;
typedef uint16_t spx_uint16_t;
typedef int32_t spx_int32_t;
typedef uint32_t spx_uint32_t;

#endif
