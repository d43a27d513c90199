/*
 * ITU-T G.722 (09/2012) 64 kbit/s sub-band ADPCM: the C port of the app's TypeScript codec
 * (src-main/protocol/codec/g722.ts and g722-band.ts, the reference), bit-exact with it and so
 * with libspandsp and the peers that interoperate with it (baresip, Asterisk, FreeSWITCH).
 * PCM is 16 kHz 16-bit; one octet carries two samples. No allocation: the state is a plain struct.
 */
#ifndef MEDIA_PATH_G722_H
#define MEDIA_PATH_G722_H

#include <stdint.h>

/** One sub-band's adaptive quantizer and predictor (G722Band in g722-band.ts). */
typedef struct {
  int lower;      /* 1: lower band, 0: higher band */
  int32_t nb;     /* log scale factor (NBL / NBH) */
  int32_t det;    /* scale factor (DETL / DETH) */
  int32_t s;      /* predicted signal (SL / SH) */
  int32_t sz;     /* zero-section prediction (SZL / SZH) */
  int32_t r;      /* last reconstructed signal (RLT1 / RH1) */
  int32_t p1, p2; /* partially reconstructed signal, last two */
  int32_t a1, a2; /* pole predictor coefficients */
  int16_t b[6];   /* zero predictor coefficients BL1..BL6 */
  int16_t d[7];   /* quantized differences DLT0..DLT6 */
} g722_band_t;

typedef struct {
  g722_band_t low, high;
  int32_t hist[48]; /* the last 24 input samples, twice (at i and i + 24): a contiguous window */
  int pos;          /* index of the oldest sample of the window */
} mp_g722_encoder_t;

typedef struct {
  g722_band_t low, high;
  int32_t xs[24], xd[24]; /* receive QMF histories of rl + rh and rl - rh, twice */
  int pos;
} mp_g722_decoder_t;

void mp_g722_encoder_reset(mp_g722_encoder_t *e);
void mp_g722_decoder_reset(mp_g722_decoder_t *d);
/** Encodes `samples` (even) 16 kHz samples into samples / 2 octets; returns the octets written. */
int mp_g722_encode(mp_g722_encoder_t *e, uint8_t *out, const int16_t *pcm, int samples);
/** Decodes `octets` codes into 2 * octets samples; returns the samples written. */
int mp_g722_decode(mp_g722_decoder_t *d, int16_t *out, const uint8_t *codes, int octets);

#endif
