/*
 * Build configuration for the vendored speexdsp 1.2.1 (replaces the config.h that speexdsp's
 * autoconf would generate; HAVE_CONFIG_H is set by binding.gyp). Ours, not upstream's.
 *
 * - FLOATING_POINT: the float build is what desktop CPUs are fast at and what the upstream
 *   default (./configure without --enable-fixed-point) produces.
 * - USE_KISS_FFT: the FFT behind fftwrap.c. Kiss FFT handles radices 2, 3, 4, 5 natively (and
 *   any prime up to 17 generically); the addon only accepts frame sizes whose prime factors are
 *   2, 3, 5 and 7, so kiss_fft's "max radix" fatal path cannot be reached.
 * - Neither VAR_ARRAYS nor USE_ALLOCA: in the float build the echo canceller, preprocessor,
 *   filterbank and FFT files never use stack arrays of variable size (only fftwrap.c's
 *   fixed-point spx_fft_float does, which this build does not compile), so plain C89 arrays and
 *   heap state suffice and MSVC (which has no C99 VLAs) compiles the same code as gcc and clang.
 * - EXPORT empty: everything is linked statically into the addon; nothing is exported.
 * - DISABLE_WARNINGS / DISABLE_NOTIFICATIONS: speexdsp would print to the host process's stderr
 *   (the Electron main process); the addon counts the conditions it cares about itself.
 * - OS_SUPPORT_CUSTOM: os_support_custom.h replaces speex_fatal's exit(1) by abort(), so a
 *   broken invariant is a crash report rather than a silent exit of the app. The addon validates
 *   its arguments so that no fatal path is reachable from JavaScript.
 */
#ifndef SPEEXDSP_AEC_CONFIG_H
#define SPEEXDSP_AEC_CONFIG_H

#define FLOATING_POINT 1
#define USE_KISS_FFT 1
#define EXPORT
#define DISABLE_WARNINGS 1
#define DISABLE_NOTIFICATIONS 1
#define OS_SUPPORT_CUSTOM 1

/* Visual Studio before 2015 knew `inline` in C only as `__inline` (as upstream's win32/config.h). */
#if defined(_MSC_VER) && _MSC_VER < 1900 && !defined(__cplusplus)
#define inline __inline
#endif

#endif
