/*
 * Test driver for the native media path's G.722 (native/media-path/src/g722.c): reads stdin,
 * writes stdout. `encode`: 16-bit little-endian PCM -> codes; `decode`: codes -> PCM. It feeds
 * the codec in chunks of varying size (2 to 640 samples, a fixed pseudo-random sequence), as calls
 * with different packet times would, so the state carried between calls is exercised too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "g722.h"

static uint8_t *read_all(size_t *len) {
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  for (;;) {
    if (n == cap) buf = realloc(buf, cap *= 2);
    size_t got = fread(buf + n, 1, cap - n, stdin);
    if (got == 0) break;
    n += got;
  }
  *len = n;
  return buf;
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  size_t len;
  uint8_t *in = read_all(&len);
  uint32_t lcg = 12345;
  if (strcmp(argv[1], "encode") == 0) {
    mp_g722_encoder_t e;
    mp_g722_encoder_reset(&e);
    size_t samples = len / 2, at = 0;
    int16_t *pcm = malloc(samples * 2 + 2);
    memcpy(pcm, in, samples * 2);
    uint8_t out[320];
    while (at + 1 < samples) {
      lcg = lcg * 1103515245u + 12345u;
      size_t chunk = 2 * (1 + (lcg >> 16) % 320);
      if (chunk > samples - at) chunk = (samples - at) & ~(size_t)1;
      int n = mp_g722_encode(&e, out, pcm + at, (int)chunk);
      fwrite(out, 1, (size_t)n, stdout);
      at += chunk;
    }
  } else if (strcmp(argv[1], "decode") == 0) {
    mp_g722_decoder_t d;
    mp_g722_decoder_reset(&d);
    size_t at = 0;
    int16_t out[640];
    while (at < len) {
      lcg = lcg * 1103515245u + 12345u;
      size_t chunk = 1 + (lcg >> 16) % 320;
      if (chunk > len - at) chunk = len - at;
      int n = mp_g722_decode(&d, out, in + at, (int)chunk);
      fwrite(out, 2, (size_t)n, stdout);
      at += chunk;
    }
  } else {
    return 2;
  }
  return 0;
}
