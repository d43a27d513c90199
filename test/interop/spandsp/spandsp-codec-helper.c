/*
 * Reference codec runs with Debian's libspandsp (libspandsp-dev), for the bit-exactness tests in
 * spandsp-codecs.test.ts. Reads everything from stdin, writes the result to stdout.
 *   g722-encode  : s16le 16 kHz PCM  -> G.722 64 kbit/s octets
 *   g722-decode  : G.722 octets      -> s16le 16 kHz PCM
 *   ulaw-encode / alaw-encode : s16le -> G.711 octets
 *   ulaw-decode / alaw-decode : G.711 octets -> s16le
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>
#include <spandsp/g722.h>

static uint8_t *slurp(size_t *len) {
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t r;
    while (buf != NULL && (r = fread(buf + n, 1, cap - n, stdin)) > 0) {
        n += r;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    *len = n;
    return buf;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s g722-encode|g722-decode|ulaw-encode|ulaw-decode|alaw-encode|alaw-decode\n", argv[0]);
        return 2;
    }
    size_t len;
    uint8_t *in = slurp(&len);
    if (in == NULL) return 3;
    const char *mode = argv[1];
    if (strcmp(mode, "g722-encode") == 0) {
        g722_encode_state_t *s = g722_encode_init(NULL, 64000, 0);
        int samples = (int) (len / 2);
        uint8_t *out = malloc(samples / 2 + 1);
        int n = g722_encode(s, out, (const int16_t *) in, samples);
        fwrite(out, 1, n, stdout);
    } else if (strcmp(mode, "g722-decode") == 0) {
        g722_decode_state_t *s = g722_decode_init(NULL, 64000, 0);
        int16_t *out = malloc(len * 2 * sizeof(int16_t) + 2);
        int n = g722_decode(s, out, in, (int) len);
        fwrite(out, sizeof(int16_t), n, stdout);
    } else if (strcmp(mode, "ulaw-encode") == 0 || strcmp(mode, "alaw-encode") == 0) {
        const int16_t *pcm = (const int16_t *) in;
        for (size_t i = 0; i < len / 2; i++) putchar(mode[0] == 'u' ? linear_to_ulaw(pcm[i]) : linear_to_alaw(pcm[i]));
    } else if (strcmp(mode, "ulaw-decode") == 0 || strcmp(mode, "alaw-decode") == 0) {
        for (size_t i = 0; i < len; i++) {
            int16_t v = mode[0] == 'u' ? ulaw_to_linear(in[i]) : alaw_to_linear(in[i]);
            fwrite(&v, sizeof v, 1, stdout);
        }
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    return 0;
}
