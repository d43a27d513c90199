/*
 * Ours, not upstream: what libsrtp2's configure (or meson.build) would write into config.h,
 * decided by the compiler's own macros so one file serves Linux (gcc/clang), macOS (clang) and
 * Windows (MSVC). Only the defines the vendored sources read are here:
 *   - the headers present (stdint/inttypes everywhere; the socket headers on POSIX, windows.h
 *     and winsock2.h on Windows: datatypes.h and srtp.c take htonl/ntohl from them);
 *   - CPU_CISC on x86 (aes.c reads whole 32-bit words), CPU_RISC elsewhere (byte access);
 *     HAVE_X86 lets datatypes.h use the bswap instruction with gcc/clang;
 *   - WORDS_BIGENDIAN on big-endian targets (none of the app's, but kept correct);
 *   - the integer types and the sizes integers.h picks its 64-bit type by.
 * No crypto library is configured (neither OPENSSL nor NSS nor MBEDTLS): libsrtp2's own AES-ICM
 * and HMAC-SHA1 are built (deps/sources.gypi), so AEAD_AES_*_GCM is not available; the app does
 * not offer it on this path. No logging to a file or stdout (ERR_REPORTING_*): errors reach the
 * caller as srtp_err_status_t.
 */
#ifndef MEDIA_PATH_LIBSRTP2_CONFIG_H
#define MEDIA_PATH_LIBSRTP2_CONFIG_H

#define PACKAGE_VERSION "2.5.0"
#define PACKAGE_STRING "libsrtp2 2.5.0"

#define HAVE_STDINT_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_STDLIB_H 1
#define HAVE_SYS_TYPES_H 1
#if defined(_WIN32)
#define HAVE_WINDOWS_H 1
#define HAVE_WINSOCK2_H 1
#else
#define HAVE_ARPA_INET_H 1
#define HAVE_NETINET_IN_H 1
#define HAVE_SYS_SOCKET_H 1
#define HAVE_UNISTD_H 1
#endif

#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
#define CPU_CISC 1
#if defined(__GNUC__)
#define HAVE_X86 1
#endif
#else
#define CPU_RISC 1
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define WORDS_BIGENDIAN 1
#endif

#define HAVE_INT8_T 1
#define HAVE_UINT8_T 1
#define HAVE_INT16_T 1
#define HAVE_UINT16_T 1
#define HAVE_INT32_T 1
#define HAVE_UINT32_T 1
#define HAVE_UINT64_T 1
#define HAVE_UNSIGNED_LONG 1
#define HAVE_UNSIGNED_LONG_LONG 1
#if defined(_WIN32) || (defined(__SIZEOF_LONG__) && __SIZEOF_LONG__ == 4)
#define SIZEOF_UNSIGNED_LONG 4
#else
#define SIZEOF_UNSIGNED_LONG 8
#endif
#define SIZEOF_UNSIGNED_LONG_LONG 8

#if defined(_MSC_VER) && _MSC_VER < 1900 && !defined(__cplusplus)
#define inline __inline
#endif

#endif
