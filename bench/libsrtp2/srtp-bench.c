/*
 * libsrtp2 throughput, for bench/srtp.bench.ts (the peer measured in the same run, DESIGN.md rule 14).
 *
 *   srtp-bench SUITE PAYLOAD_OCTETS rtp|rtcp SECONDS
 *
 * Prints one JSON object: {"protect":PPS,"unprotect":PPS}. Single thread. Protect works in place
 * on a fresh copy of the plaintext each time (the memcpy is part of the measured loop, as the
 * softphone's protect also produces a new buffer). Unprotect is measured on chunks of packets
 * protected beforehand (untimed), each copied into the work buffer before the timed call.
 */
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 4096

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int set_suite(const char *suite, srtp_crypto_policy_t *rtp, srtp_crypto_policy_t *rtcp) {
    if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_80")) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtcp);
    } else if (!strcmp(suite, "AES_CM_128_HMAC_SHA1_32")) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtcp);
    } else if (!strcmp(suite, "AEAD_AES_128_GCM")) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(rtcp);
    } else if (!strcmp(suite, "AEAD_AES_256_GCM")) {
        srtp_crypto_policy_set_aes_gcm_256_16_auth(rtp);
        srtp_crypto_policy_set_aes_gcm_256_16_auth(rtcp);
    } else if (!strcmp(suite, "AES_256_CM_HMAC_SHA1_80")) {
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtp);
        srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtcp);
    } else {
        return -1;
    }
    return 0;
}

static srtp_t make(const char *suite, int outbound, unsigned char *key) {
    srtp_policy_t p;
    memset(&p, 0, sizeof p);
    if (set_suite(suite, &p.rtp, &p.rtcp) != 0) return NULL;
    p.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
    p.key = key;
    p.window_size = 128;
    srtp_t s;
    return srtp_create(&s, &p) == srtp_err_status_ok ? s : NULL;
}

static int build(unsigned char *b, int rtcp, int payload, unsigned seq) {
    if (rtcp) {
        int len = 8 + payload;
        memset(b, 0x5a, len);
        b[0] = 0x80; b[1] = 200; b[2] = ((len / 4 - 1) >> 8) & 0xff; b[3] = (len / 4 - 1) & 0xff;
        b[4] = 0xca; b[5] = 0xfe; b[6] = 0xba; b[7] = 0xbe;
        return len;
    }
    memset(b, 0x5a, 12 + payload);
    b[0] = 0x80; b[1] = 0; b[2] = (seq >> 8) & 0xff; b[3] = seq & 0xff;
    b[4] = b[5] = b[6] = b[7] = 0;
    b[8] = 0xca; b[9] = 0xfe; b[10] = 0xba; b[11] = 0xbe;
    return 12 + payload;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s SUITE PAYLOAD rtp|rtcp SECONDS\n", argv[0]);
        return 2;
    }
    const char *suite = argv[1];
    int payload = atoi(argv[2]);
    int rtcp = !strcmp(argv[3], "rtcp");
    double seconds = atof(argv[4]);
    unsigned char key[64];
    for (int i = 0; i < 64; i++) key[i] = (unsigned char)(i * 7 + 1);
    if (srtp_init() != srtp_err_status_ok) return 4;

    static unsigned char work[2048], plain[2048];
    static unsigned char chunk[CHUNK][2048];
    static int chunk_len[CHUNK];

    /* protect */
    srtp_t tx = make(suite, 1, key);
    if (!tx) { printf("{\"error\":\"unsupported\"}\n"); return 3; }
    unsigned seq = 0;
    long n = 0;
    double t0 = now(), t1;
    int plen = build(plain, rtcp, payload, 0);
    do {
        for (int k = 0; k < 1000; k++) {
            plain[2] = rtcp ? plain[2] : (seq >> 8) & 0xff;
            if (!rtcp) plain[3] = seq & 0xff;
            memcpy(work, plain, plen);
            int len = plen;
            srtp_err_status_t st = rtcp ? srtp_protect_rtcp(tx, work, &len) : srtp_protect(tx, work, &len);
            if (st != srtp_err_status_ok) { fprintf(stderr, "protect failed %d\n", st); return 5; }
            seq = (seq + 1) & 0xffff;
            n++;
        }
        t1 = now();
    } while (t1 - t0 < seconds);
    double protect_pps = n / (t1 - t0);
    srtp_dealloc(tx);

    /* unprotect: chunks protected untimed, then unprotected timed */
    tx = make(suite, 1, key);
    srtp_t rx = make(suite, 0, key);
    seq = 0;
    n = 0;
    double timed = 0;
    while (timed < seconds) {
        for (int k = 0; k < CHUNK; k++) {
            int len = build(chunk[k], rtcp, payload, seq);
            seq = (seq + 1) & 0xffff;
            if ((rtcp ? srtp_protect_rtcp(tx, chunk[k], &len) : srtp_protect(tx, chunk[k], &len)) != srtp_err_status_ok) return 6;
            chunk_len[k] = len;
        }
        double a = now();
        for (int k = 0; k < CHUNK; k++) {
            int len = chunk_len[k];
            memcpy(work, chunk[k], len);
            srtp_err_status_t st = rtcp ? srtp_unprotect_rtcp(rx, work, &len) : srtp_unprotect(rx, work, &len);
            if (st != srtp_err_status_ok) { fprintf(stderr, "unprotect failed %d\n", st); return 7; }
        }
        timed += now() - a;
        n += CHUNK;
    }
    printf("{\"protect\":%.0f,\"unprotect\":%.0f}\n", protect_pps, n / timed);
    srtp_dealloc(tx);
    srtp_dealloc(rx);
    srtp_shutdown();
    return 0;
}
