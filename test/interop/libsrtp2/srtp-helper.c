/*
 * Interop helper around Debian's libsrtp2 (libsrtp2-dev), driven by libsrtp2-interop.test.ts.
 *
 *   srtp-helper SUITE protect|unprotect KEYHEX [MKIHEX]
 *   srtp-helper --version
 *
 * KEYHEX is master key || master salt. Reads one job per stdin line:
 *   "rtp HEX" or "rtcp HEX"
 * and writes one line per job: the resulting packet as hex, or "ERR <srtp_err_status_t>".
 * Prints "UNSUPPORTED" and exits 3 when this libsrtp2 build lacks the suite.
 *
 * SUITE names follow RFC 4568/6188/7714. For the _32 suites SRTCP uses the 80-bit tag, as the RFCs
 * require and as libsrtp documents.
 */
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 20000
#define MAX_PACKET 9000

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int unhex(const char *s, unsigned char *out, int max) {
    int n = 0;
    while (s[0] && s[0] != '\n' && s[0] != '\r') {
        int hi = hexval(s[0]), lo = hexval(s[1]);
        if (hi < 0 || lo < 0 || n >= max) return -1;
        out[n++] = (unsigned char)(hi * 16 + lo);
        s += 2;
    }
    return n;
}

static void puthex(const unsigned char *b, int n) {
    for (int i = 0; i < n; i++) printf("%02x", b[i]);
    printf("\n");
}

static int set_suite(const char *suite, srtp_crypto_policy_t *rtp, srtp_crypto_policy_t *rtcp) {
    if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_80")) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtcp);
    } else if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_32")) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtcp);
    } else if (!strcmp(suite, "AES_192_CM_HMAC_SHA1_80")) {
        srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(rtp);
        srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(rtcp);
    } else if (!strcmp(suite, "AES_192_CM_HMAC_SHA1_32")) {
        srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32(rtp);
        srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(rtcp);
    } else if (!strcmp(suite, "AES_256_CM_HMAC_SHA1_80")) {
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtp);
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtcp);
    } else if (!strcmp(suite, "AES_256_CM_HMAC_SHA1_32")) {
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(rtp);
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtcp);
    } else if (!strcmp(suite, "AEAD_AES_128_GCM")) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(rtcp);
    } else if (!strcmp(suite, "AEAD_AES_256_GCM")) {
        srtp_crypto_policy_set_aes_gcm_256_16_auth(rtp);
        srtp_crypto_policy_set_aes_gcm_256_16_auth(rtcp);
    } else {
        return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "--version")) {
        printf("%s\n", srtp_get_version_string());
        return 0;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: %s SUITE protect|unprotect KEYHEX [MKIHEX]\n", argv[0]);
        return 2;
    }
    const int protect = !strcmp(argv[2], "protect");
    static unsigned char key[64], mki[128];
    if (unhex(argv[3], key, sizeof key) < 0) return 2;
    int mki_len = 0;
    if (argc > 4 && (mki_len = unhex(argv[4], mki, sizeof mki)) < 0) return 2;

    if (srtp_init() != srtp_err_status_ok) return 4;
    srtp_policy_t policy;
    memset(&policy, 0, sizeof policy);
    if (set_suite(argv[1], &policy.rtp, &policy.rtcp) != 0) {
        printf("UNSUPPORTED\n");
        return 3;
    }
    policy.ssrc.type = protect ? ssrc_any_outbound : ssrc_any_inbound;
    policy.window_size = 128;
    policy.allow_repeat_tx = 0;
    srtp_master_key_t master = { key, mki, (unsigned)mki_len };
    srtp_master_key_t *masters[1] = { &master };
    if (mki_len > 0) {
        policy.keys = masters;
        policy.num_master_keys = 1;
    } else {
        policy.key = key;
    }
    srtp_t session;
    srtp_err_status_t st = srtp_create(&session, &policy);
    if (st != srtp_err_status_ok) {
        printf("UNSUPPORTED\n");
        return 3;
    }
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    static char line[MAX_LINE];
    static unsigned char buf[MAX_PACKET + 256];
    while (fgets(line, sizeof line, stdin)) {
        int is_rtcp = !strncmp(line, "rtcp ", 5);
        const char *hex = line + (is_rtcp ? 5 : 4);
        int len = unhex(hex, buf, MAX_PACKET);
        if (len < 0) {
            printf("ERR badhex\n");
            continue;
        }
        unsigned use_mki = mki_len > 0;
        if (protect)
            st = is_rtcp ? srtp_protect_rtcp_mki(session, buf, &len, use_mki, 0) : srtp_protect_mki(session, buf, &len, use_mki, 0);
        else
            st = is_rtcp ? srtp_unprotect_rtcp_mki(session, buf, &len, use_mki) : srtp_unprotect_mki(session, buf, &len, use_mki);
        if (st != srtp_err_status_ok)
            printf("ERR %d\n", (int)st);
        else
            puthex(buf, len);
    }
    srtp_dealloc(session);
    srtp_shutdown();
    return 0;
}
