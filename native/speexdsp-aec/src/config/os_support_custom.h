/*
 * Included by speexdsp's os_support.h when OS_SUPPORT_CUSTOM is defined (see config.h). Ours.
 * speex_fatal() would call exit(1), ending the host process without a trace: abort instead.
 */
#ifndef SPEEXDSP_AEC_OS_SUPPORT_CUSTOM_H
#define SPEEXDSP_AEC_OS_SUPPORT_CUSTOM_H

#include <stdio.h>
#include <stdlib.h>

#define OVERRIDE_SPEEX_FATAL
static inline void _speex_fatal(const char *str, const char *file, int line)
{
   fprintf(stderr, "speexdsp-aec: fatal internal error in %s, line %d: %s\n", file, line, str);
   abort();
}

#endif
