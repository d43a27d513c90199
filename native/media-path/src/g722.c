/*
 * ITU-T G.722 64 kbit/s: the C port of src-main/protocol/codec/g722.ts (see g722.h). The block
 * names (SUBTRA, QUANTL, INVQAL, LOGSCL, SCALEL, UPPOL1/2, UPZERO, FILTEP/Z, PREDIC, LIMIT) are
 * the Recommendation's, as in the TypeScript. Arithmetic is on int32_t with the Recommendation's
 * 16-bit saturation; right shifts of negative values are arithmetic (gcc, clang and MSVC all do
 * so), and "keep the low 16 bits as signed" is a cast to int16_t rather than a left shift of a
 * negative value (undefined in C).
 */
#include "g722.h"

#include <string.h>

/* QMF coefficients h0..h23 (§4.2, Table 6; scaled by 2^13). */
static const int32_t QMF[24] = {3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
                                3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3};
/* QUANTL decision levels (Table 8, x8 scale) and the 6-bit codes for negative/positive differences. */
static const int16_t Q6[32] = {0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
                               786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919, 0, 0};
static const int16_t ILN[32] = {0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
                                18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 0};
static const int16_t ILP[32] = {0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
                                46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 0};
/* Inverse quantizers: 6-bit (64 kbit/s decoding, Table 10), 4-bit (prediction loop, Table 9), 2-bit higher band (Table 14). */
static const int16_t QM6[64] = {
    -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192, -10232, -9360, -8576, -7856,
    -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776, -2400, -2032, -1688, -1360, -1040, -728,
    24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192, 10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456,
    4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032, 1688, 1360, 1040, 728, 432, 136, -432, -136};
static const int16_t QM4[16] = {0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584, 1200, 0};
static const int16_t QM2[4] = {-7408, -1616, 7408, 1616};
/* Log scale factor multipliers and code -> index maps (Tables 11 and 15), higher band codes (Table 13). */
static const int16_t WL[8] = {-60, -30, 58, 172, 334, 538, 1198, 3042};
static const int16_t RL42[16] = {0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0};
static const int16_t WH[3] = {0, -214, 798};
static const int16_t RH2[4] = {2, 1, 2, 1};
static const int16_t IHN[3] = {0, 1, 0};
static const int16_t IHP[3] = {0, 3, 2};
/* Antilog table for SCALEL/SCALEH (Table 12). */
static const int16_t ILB[32] = {2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
                                2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008};

static inline int32_t sat16(int32_t v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : v; }
/* LIMIT: reconstructed signals are 15-bit (§6.2.1.6, §6.2.2.6). */
static inline int32_t sat15(int32_t v) { return v > 16383 ? 16383 : v < -16384 ? -16384 : v; }

static void band_reset(g722_band_t *b, int lower) {
  memset(b, 0, sizeof *b);
  b->lower = lower;
  b->det = lower ? 32 : 8;
}

/* SCALEL/SCALEH: antilog of the log scale factor; `shift` is 8 (lower) or 10 (higher). */
static int32_t scale(int32_t nb, int shift) {
  int32_t wd1 = (nb >> 6) & 31;
  int32_t wd2 = shift - (nb >> 11);
  int32_t wd3 = wd2 < 0 ? (int32_t)ILB[wd1] << -wd2 : (int32_t)ILB[wd1] >> wd2;
  return (int16_t)(wd3 << 2);
}

/* LOGSCL + SCALEL from the 4-bit code (§6.2.1.3-4). */
static void adapt_lower_scale(g722_band_t *b, int ril) {
  int32_t nb = ((b->nb * 127) >> 7) + WL[RL42[ril]];
  b->nb = nb < 0 ? 0 : nb > 18432 ? 18432 : nb;
  b->det = scale(b->nb, 8);
}

/* LOGSCH + SCALEH from the 2-bit code (§6.2.2.3-4). */
static void adapt_higher_scale(g722_band_t *b, int ih) {
  int32_t nb = ((b->nb * 127) >> 7) + WH[RH2[ih]];
  b->nb = nb < 0 ? 0 : nb > 22528 ? 22528 : nb;
  b->det = scale(b->nb, 10);
}

/* BLOCK 4 for a quantized difference dx (§6.2.1.5-6; the same for both bands). (x ^ y) < 0:
   exactly one of two values is negative. */
static void adapt_predictor(g722_band_t *b, int32_t dx) {
  /* RECONS and PARREC */
  int32_t r = sat16(b->s + dx);
  int32_t p = sat16(b->sz + dx);
  /* UPPOL2 */
  int32_t wd1 = sat16(b->a1 * 4);
  int32_t wd2 = (p ^ b->p1) < 0 ? wd1 : -wd1;
  if (wd2 > 32767) wd2 = 32767;
  int32_t a2 = ((p ^ b->p2) < 0 ? -128 : 128) + (wd2 >> 7) + ((b->a2 * 32512) >> 15);
  a2 = (int16_t)a2; /* a 16-bit register */
  if (a2 > 12288) a2 = 12288;
  else if (a2 < -12288) a2 = -12288;
  /* UPPOL1 */
  int32_t a1 = sat16(((p ^ b->p1) < 0 ? -192 : 192) + ((b->a1 * 32640) >> 15));
  int32_t lim = sat16(15360 - a2);
  if (a1 > lim) a1 = lim;
  else if (a1 < -lim) a1 = -lim;
  /* FILTEP with the new coefficients, on RLT1 = r and RLT2 = the previous r */
  int32_t sp = sat16(((a1 * sat16(r + r)) >> 15) + ((a2 * sat16(b->r + b->r)) >> 15));
  b->r = r;
  b->a1 = a1;
  b->a2 = a2;
  b->p2 = b->p1;
  b->p1 = p;
  /* UPZERO, DELAYA, FILTEZ */
  int32_t step = dx == 0 ? 0 : 128;
  b->d[0] = (int16_t)dx;
  int32_t sz = 0;
  for (int i = 5; i >= 0; i--) {
    int32_t di = b->d[i];
    int32_t bi = sat16(((b->d[i + 1] ^ dx) < 0 ? -step : step) + (((int32_t)b->b[i] * 32640) >> 15));
    b->b[i] = (int16_t)bi;
    sz += (bi * sat16(di + di)) >> 15;
    b->d[i + 1] = (int16_t)di;
  }
  b->sz = sat16(sz);
  /* PREDIC */
  b->s = sat16(sp + b->sz);
}

void mp_g722_encoder_reset(mp_g722_encoder_t *e) {
  band_reset(&e->low, 1);
  band_reset(&e->high, 0);
  memset(e->hist, 0, sizeof e->hist);
  e->pos = 0;
}

void mp_g722_decoder_reset(mp_g722_decoder_t *d) {
  band_reset(&d->low, 1);
  band_reset(&d->high, 0);
  memset(d->xs, 0, sizeof d->xs);
  memset(d->xd, 0, sizeof d->xd);
  d->pos = 0;
}

static int encode_low(g722_band_t *b, int32_t xlow) {
  int32_t el = sat16(xlow - b->s); /* SUBTRA */
  int32_t wd = el >= 0 ? el : -el - 1;
  int i = 1; /* QUANTL: the decision interval of |el| scaled by DETL */
  for (; i < 30; i++)
    if (wd < (((int32_t)Q6[i] * b->det) >> 12)) break;
  int ilow = el < 0 ? ILN[i] : ILP[i];
  int ril = ilow >> 2; /* INVQAL: the 4-bit truncated code in the prediction loop */
  int32_t dlow = (b->det * QM4[ril]) >> 15;
  adapt_lower_scale(b, ril);
  adapt_predictor(b, dlow);
  return ilow;
}

static int encode_high(g722_band_t *b, int32_t xhigh) {
  int32_t eh = sat16(xhigh - b->s); /* SUBTRA */
  int32_t wd = eh >= 0 ? eh : -eh - 1;
  int mih = wd >= ((564 * b->det) >> 12) ? 2 : 1; /* QUANTH */
  int ihigh = eh < 0 ? IHN[mih] : IHP[mih];
  int32_t dhigh = (b->det * QM2[ihigh]) >> 15; /* INVQAH */
  adapt_higher_scale(b, ihigh);
  adapt_predictor(b, dhigh);
  return ihigh;
}

int mp_g722_encode(mp_g722_encoder_t *e, uint8_t *out, const int16_t *pcm, int samples) {
  int n = samples >> 1;
  int32_t *hist = e->hist;
  for (int j = 0; j < n; j++) {
    /* Transmit QMF (§4.2): the 24-tap filter split into even and odd taps. */
    int w = e->pos;
    hist[w] = hist[w + 24] = pcm[2 * j];
    hist[w + 1] = hist[w + 25] = pcm[2 * j + 1];
    int start = w == 22 ? 0 : w + 2; /* the oldest sample once this pair is written */
    e->pos = start;
    int32_t even = 0, odd = 0;
    for (int k = 0; k < 24; k += 2) {
      even += hist[start + k] * QMF[k];
      odd += hist[start + k + 1] * QMF[k + 1];
    }
    int32_t xlow = (odd + even) >> 14;
    int32_t xhigh = (odd - even) >> 14;
    out[j] = (uint8_t)((encode_high(&e->high, xhigh) << 6) | encode_low(&e->low, xlow));
  }
  return n;
}

static int32_t decode_low(g722_band_t *b, int ilow) {
  int32_t rlow = sat15(b->s + ((b->det * QM6[ilow]) >> 15)); /* INVQBL (all 6 bits), RECONS, LIMIT */
  int ril = ilow >> 2;                                        /* INVQAL for the prediction loop */
  int32_t dlow = (b->det * QM4[ril]) >> 15;
  adapt_lower_scale(b, ril);
  adapt_predictor(b, dlow);
  return rlow;
}

static int32_t decode_high(g722_band_t *b, int ihigh) {
  int32_t dhigh = (b->det * QM2[ihigh]) >> 15; /* INVQAH, RECONS, LIMIT */
  int32_t rhigh = sat15(dhigh + b->s);
  adapt_higher_scale(b, ihigh);
  adapt_predictor(b, dhigh);
  return rhigh;
}

int mp_g722_decode(mp_g722_decoder_t *d, int16_t *out, const uint8_t *codes, int octets) {
  int o = 0;
  for (int j = 0; j < octets; j++) {
    int32_t rlow = decode_low(&d->low, codes[j] & 0x3f);
    int32_t rhigh = decode_high(&d->high, codes[j] >> 6);
    /* Receive QMF (§4.4). */
    int w = d->pos;
    d->xs[w] = d->xs[w + 12] = sat16(rlow + rhigh);
    d->xd[w] = d->xd[w + 12] = sat16(rlow - rhigh);
    int start = w == 11 ? 0 : w + 1;
    d->pos = start;
    int32_t even = 0, odd = 0;
    for (int i = 0; i < 12; i++) {
      odd += d->xd[start + i] * QMF[2 * i + 1];
      even += d->xs[start + i] * QMF[2 * i];
    }
    out[o++] = (int16_t)sat16(odd >> 11);
    out[o++] = (int16_t)sat16(even >> 11);
  }
  return o;
}
