/*
 * RTCP for the native media path: see rtcp.h. Each part names the RFC 3550 section it implements
 * and the TypeScript function it mirrors (src-main/protocol/rtp/).
 */
#include "rtcp.h"

#include <float.h>
#include <string.h>

/* Bit-identity with the TypeScript needs doubles evaluated as doubles (no x87 excess precision). */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0
#error "rtcp.c needs FLT_EVAL_METHOD == 0 (IEEE-754 double evaluation, e.g. SSE2 or AArch64)"
#endif

/* RFC 3550 A.1 constants. */
#define RTP_SEQ_MOD 65536u
#define MAX_DROPOUT 3000u
#define MAX_MISORDER 100u
#define MIN_SEQUENTIAL 2

#define RTCP_SR 200
#define RTCP_RR 201
#define RTCP_SDES 202
#define RTCP_BYE 203
#define RTCP_APP 204
#define SDES_CNAME 1

/* ---------------------------------------------------------------------------------------------
 * ECMAScript number semantics, for bit-identical results (no libm needed).
 */

/* 2^52: every double at least this large in magnitude is an integer. */
#define TWO52 4503599627370496.0

/* Math.ceil for the finite range that matters; non-finite and |x| >= 2^52 come back unchanged. */
static double js_ceil(double x) {
  if (!(x > -TWO52 && x < TWO52)) return x;
  double t = (double)(int64_t)x; /* truncation toward zero: exact here */
  return t < x ? t + 1.0 : t;
}

/* Math.floor, likewise. */
static double js_floor(double x) {
  if (!(x > -TWO52 && x < TWO52)) return x;
  double t = (double)(int64_t)x;
  return t > x ? t - 1.0 : t;
}

/* Math.round: the nearest integer, ties toward +infinity (V8's ceil-based form, exact). */
static double js_round(double x) {
  if (!(x > -TWO52 && x < TWO52)) return x;
  double r = js_ceil(x);
  return r - 0.5 > x ? r - 1.0 : r;
}

/* ECMAScript ToUint32 (what `x >>> 0` does): truncate toward zero, modulo 2^32; NaN/Inf give 0. */
static uint32_t js_to_uint32(double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  unsigned exp = (unsigned)((bits >> 52) & 0x7ffu);
  if (exp == 0x7ffu || exp == 0) return 0; /* NaN, infinities; zero and subnormals (|x| < 1) */
  uint64_t mant = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
  int shift = (int)exp - 1075; /* |x| = mant * 2^shift */
  uint32_t r;
  if (shift >= 32) r = 0; /* a multiple of 2^32 */
  else if (shift >= 0) r = (uint32_t)(mant << shift); /* unsigned: the low 32 bits are exact */
  else if (shift > -64) r = (uint32_t)(mant >> -shift);
  else r = 0;
  return (bits >> 63) != 0 ? 0u - r : r;
}

/* Two's-complement reinterpretation of a uint32 (ToInt32), without implementation-defined casts. */
static int32_t as_int32(uint32_t v) {
  return v <= (uint32_t)INT32_MAX ? (int32_t)v : (int32_t)(v - 0x80000000u) - INT32_MAX - 1;
}

/* ---------------------------------------------------------------------------------------------
 * Big-endian access.
 */

static uint32_t rd32(const uint8_t *b) {
  return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | (uint32_t)b[3];
}

static uint8_t *wr32(uint8_t *b, uint32_t v) {
  b[0] = (uint8_t)(v >> 24);
  b[1] = (uint8_t)(v >> 16);
  b[2] = (uint8_t)(v >> 8);
  b[3] = (uint8_t)v;
  return b + 4;
}

/* RFC 3550 §6.1 common header: V=2, P=0, count, packet type, length in 32-bit words minus one. */
static uint8_t *wr_header(uint8_t *b, unsigned count, unsigned type, size_t size) {
  size_t words = size / 4 - 1;
  b[0] = (uint8_t)(0x80u | (count & 0x1fu));
  b[1] = (uint8_t)type;
  b[2] = (uint8_t)(words >> 8);
  b[3] = (uint8_t)words;
  return b + 4;
}

/* ---------------------------------------------------------------------------------------------
 * Reception statistics: RFC 3550 A.1 (sequence validation), A.3 (loss), A.8 (jitter), §6.4.1
 * (LSR/DLSR). Mirrors ReceptionStats.
 */

/* A.1 init_seq(). */
static void init_seq(rtcp_rx_t *rx, uint16_t seq) {
  rx->base_seq = seq;
  rx->max_seq = seq;
  rx->bad_seq = RTP_SEQ_MOD + 1;
  rx->cycles = 0;
  rx->received = 0;
  rx->received_prior = 0;
  rx->expected_prior = 0;
  rx->have_transit = 0;
  rx->jitter_q4 = 0;
}

void rtcp_rx_init(rtcp_rx_t *rx, uint32_t ssrc, uint32_t clock_rate) {
  memset(rx, 0, sizeof *rx);
  rx->ssrc = ssrc;
  rx->clock_rate = clock_rate;
  rx->bad_seq = RTP_SEQ_MOD + 1;
  rx->probation = MIN_SEQUENTIAL;
}

/* A.1 update_seq(): the verdict, and the counters it moves. */
static int update_seq(rtcp_rx_t *rx, uint16_t seq) {
  uint16_t udelta = (uint16_t)(seq - rx->max_seq); /* modulo 2^16 */
  if (rx->probation > 0) {
    /* Not valid until MIN_SEQUENTIAL packets in sequence have been received. */
    if (seq == (uint16_t)(rx->max_seq + 1u)) {
      rx->probation--;
      rx->max_seq = seq;
      if (rx->probation == 0) {
        init_seq(rx, seq);
        rx->received++;
        return RTCP_ACCEPTED;
      }
    } else {
      rx->probation = MIN_SEQUENTIAL - 1;
      rx->max_seq = seq;
    }
    return RTCP_PROBATION;
  }
  if (udelta < MAX_DROPOUT) {
    /* In order, with a permissible gap. */
    if (seq < rx->max_seq) rx->cycles += RTP_SEQ_MOD; /* wrapped */
    rx->max_seq = seq;
  } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
    /* A very large jump. */
    if ((uint32_t)seq == rx->bad_seq) {
      /* Two sequential packets: the other side restarted without telling us. */
      init_seq(rx, seq);
      rx->received++;
      return RTCP_RESTARTED;
    }
    rx->bad_seq = (seq + 1u) & (RTP_SEQ_MOD - 1u);
    return RTCP_BAD_SEQUENCE;
  }
  /* else: a duplicate or reordered packet, counted as received. */
  rx->received++;
  return RTCP_ACCEPTED;
}

/*
 * A.8: D = (Rj - Ri) - (Sj - Si); J += (|D| - J) / 16 in integer form with 4 fractional bits.
 * The arrival time in timestamp units is round(arrival_ms * clock_rate / 1000), computed in
 * doubles as the TypeScript does; the transit times are 32-bit (ToInt32 in the TypeScript).
 * DIFFERENCE from the TypeScript: jitter_q4 is 64-bit here; the TypeScript shifts it as an int32,
 * which wraps once J * 16 reaches 2^31 (J >= 2^27 timestamp units, e.g. random timestamps).
 */
static void update_jitter(rtcp_rx_t *rx, uint32_t rtp_ts, int64_t arrival_us) {
  double arrival_ms = (double)arrival_us / 1000.0;
  double arrival = js_round((arrival_ms * (double)rx->clock_rate) / 1000.0);
  int32_t transit = as_int32(js_to_uint32(arrival - (double)rtp_ts));
  if (!rx->have_transit) {
    rx->transit = transit;
    rx->have_transit = 1;
    return;
  }
  uint32_t d = (uint32_t)transit - (uint32_t)rx->transit; /* modulo 2^32, as `| 0` */
  rx->transit = transit;
  if ((d & 0x80000000u) != 0) d = 0u - d; /* |D|, up to 2^31 */
  /* jitter_q4 >= 0 always, and (q4 + 8) >> 4 <= q4 for q4 >= 8, so this never goes below 0. */
  rx->jitter_q4 = rx->jitter_q4 + d - ((rx->jitter_q4 + 8u) >> 4);
}

int rtcp_rx_packet(rtcp_rx_t *rx, uint16_t seq, uint32_t rtp_ts, int64_t arrival_us) {
  if (!rx->started) {
    init_seq(rx, seq);
    rx->max_seq = (uint16_t)(seq - 1u); /* so that this packet counts as "in sequence" */
    rx->probation = MIN_SEQUENTIAL;
    rx->started = 1;
  }
  int verdict = update_seq(rx, seq);
  if (verdict == RTCP_ACCEPTED || verdict == RTCP_RESTARTED) update_jitter(rx, rtp_ts, arrival_us);
  return verdict;
}

void rtcp_rx_sender_report(rtcp_rx_t *rx, uint32_t ntp_middle32, int64_t arrival_us) {
  rx->last_sr_middle = ntp_middle32;
  rx->last_sr_arrival_us = arrival_us;
}

/* A.3 expected = extended max - base + 1 (>= 1 once valid: max only moves forward from base). */
static uint64_t expected_of(const rtcp_rx_t *rx) {
  return rx->cycles + rx->max_seq - rx->base_seq + 1u;
}

/* a - b as a signed 64-bit value (saturated; the counters never get near 2^63, see rtcp.h). */
static int64_t signed_diff(uint64_t a, uint64_t b) {
  if (a >= b) return a - b > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)(a - b);
  return b - a > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)(b - a);
}

static int32_t clamp_i32(int64_t v) {
  return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

/* Jitter in timestamp units (A.8: J = jitter_q4 >> 4), saturated to 32 bits. */
static uint32_t jitter_of(const rtcp_rx_t *rx) {
  uint64_t j = rx->jitter_q4 >> 4;
  return j > UINT32_MAX ? UINT32_MAX : (uint32_t)j;
}

void rtcp_rx_snapshot(const rtcp_rx_t *rx, rtcp_rx_snapshot_t *out) {
  uint64_t expected = rx->started && rx->probation == 0 ? expected_of(rx) : 0;
  out->received = (uint32_t)rx->received;
  out->expected = (uint32_t)expected;
  out->lost = clamp_i32(signed_diff(expected, rx->received));
  out->ext_highest = (uint32_t)(rx->cycles + rx->max_seq);
  out->jitter = jitter_of(rx);
}

int rtcp_rx_report_block(rtcp_rx_t *rx, int64_t now_us, uint8_t out[24]) {
  if (!rx->started || rx->probation != 0) return 0;
  /* A.3: cumulative, then this interval's expected/received/lost. */
  uint64_t expected = expected_of(rx);
  int64_t lost = signed_diff(expected, rx->received);
  uint64_t expected_interval = expected - rx->expected_prior; /* >= 0: priors are reset with the base */
  rx->expected_prior = expected;
  uint64_t received_interval = rx->received - rx->received_prior;
  rx->received_prior = rx->received;
  int64_t lost_interval = signed_diff(expected_interval, received_interval);
  /* fraction = (lost_interval << 8) / expected_interval, at most 255. DIFFERENCE from the
   * TypeScript: the shift is 64-bit here; the TypeScript's `<< 8` is int32 and wraps once
   * lost_interval reaches 2^23 in one interval. */
  uint32_t fraction = 0;
  if (expected_interval != 0 && lost_interval > 0) {
    uint64_t f = ((uint64_t)lost_interval << 8) / expected_interval;
    fraction = f > 255 ? 255 : (uint32_t)f;
  }
  /* §6.4.1 cumulative number of packets lost: signed 24 bits, clamped. */
  int64_t clamped = lost > 0x7fffff ? 0x7fffff : lost < -0x800000 ? -0x800000 : lost;
  uint32_t lost24 = (uint32_t)(clamped < 0 ? 0x1000000 + clamped : clamped);
  /* §6.4.1 DLSR: delay since the last SR in 1/65536 s, 0 without an SR; the TypeScript's
   * Math.max(0, Math.round((nowMs - srMs) * 65536 / 1000)) capped at 2^32 - 1, in doubles. */
  uint32_t dlsr = 0;
  if (rx->last_sr_middle != 0) {
    double now_ms = (double)now_us / 1000.0;
    double sr_ms = (double)rx->last_sr_arrival_us / 1000.0;
    double v = js_round(((now_ms - sr_ms) * 65536.0) / 1000.0);
    if (!(v > 0.0)) v = 0.0;
    if (v > 4294967295.0) v = 4294967295.0;
    dlsr = js_to_uint32(v);
  }
  uint8_t *o = wr32(out, rx->ssrc);
  o[0] = (uint8_t)fraction;
  o[1] = (uint8_t)(lost24 >> 16);
  o[2] = (uint8_t)(lost24 >> 8);
  o[3] = (uint8_t)lost24;
  o = wr32(o + 4, (uint32_t)(rx->cycles + rx->max_seq));
  o = wr32(o, jitter_of(rx));
  o = wr32(o, rx->last_sr_middle);
  wr32(o, dlsr);
  return 1;
}

/* ---------------------------------------------------------------------------------------------
 * Building compounds: RFC 3550 §6.1 (compound: a report first, SDES CNAME in every compound),
 * §6.4.1 SR, §6.4.2 RR, §6.5 SDES, §6.6 BYE. Mirrors RtcpReporter.buildReport/buildBye as
 * serialized by serializeRtcpCompound.
 */

size_t rtcp_build_ex(uint8_t *out, size_t cap, uint32_t ssrc, const rtcp_sender_info_t *sender, const uint8_t *blocks,
                     int nblocks, const char *cname, int bye, const uint8_t *reason, size_t reason_len) {
  if (out == NULL || cname == NULL || nblocks < 0 || nblocks > RTCP_MAX_BLOCKS) return 0;
  if (nblocks > 0 && blocks == NULL) return 0;
  if (reason != NULL && (!bye || reason_len > 255)) return 0;
  size_t cname_len = 0;
  while (cname_len < 256 && cname[cname_len] != '\0') cname_len++;
  if (cname_len == 0 || cname_len > 255) return 0;

  size_t blocks_len = (size_t)nblocks * RTCP_REPORT_BLOCK_SIZE;
  size_t report = (sender != NULL ? 28 : 8) + blocks_len;
  /* §6.5: one chunk (SSRC, CNAME item), at least one null octet, padded to 32 bits. */
  size_t sdes = 4 + ((4 + 2 + cname_len + 4) & ~(size_t)3);
  /* §6.6: the SSRC, then optionally a length-prefixed reason padded to 32 bits. */
  size_t bye_len = bye ? 8 + (reason != NULL ? (1 + reason_len + 3) & ~(size_t)3 : 0) : 0;
  size_t total = report + sdes + bye_len;
  if (total > cap) return 0;

  uint8_t *o = out;
  if (sender != NULL) {
    o = wr_header(o, (unsigned)nblocks, RTCP_SR, report);
    o = wr32(o, ssrc);
    o = wr32(o, (uint32_t)(sender->ntp >> 32));
    o = wr32(o, (uint32_t)sender->ntp);
    o = wr32(o, sender->rtp_ts);
    o = wr32(o, sender->packets);
    o = wr32(o, sender->octets);
  } else {
    o = wr_header(o, (unsigned)nblocks, RTCP_RR, report);
    o = wr32(o, ssrc);
  }
  if (blocks_len > 0) memcpy(o, blocks, blocks_len);
  o += blocks_len;

  uint8_t *chunk_end = out + report + sdes;
  o = wr_header(o, 1, RTCP_SDES, sdes);
  o = wr32(o, ssrc);
  *o++ = SDES_CNAME;
  *o++ = (uint8_t)cname_len;
  memcpy(o, cname, cname_len);
  o += cname_len;
  memset(o, 0, (size_t)(chunk_end - o)); /* the null item and padding */
  o = chunk_end;

  if (bye) {
    o = wr_header(o, 1, RTCP_BYE, bye_len);
    o = wr32(o, ssrc);
    if (reason != NULL) {
      *o++ = (uint8_t)reason_len;
      if (reason_len > 0) memcpy(o, reason, reason_len);
      o += reason_len;
      memset(o, 0, (size_t)(out + total - o));
    }
  }
  return total;
}

size_t rtcp_build(uint8_t *out, size_t cap, uint32_t ssrc, const rtcp_sender_info_t *sender, const uint8_t *blocks,
                  int nblocks, const char *cname, int bye) {
  return rtcp_build_ex(out, cap, ssrc, sender, blocks, nblocks, cname, bye, NULL, 0);
}

/* ---------------------------------------------------------------------------------------------
 * Parsing compounds: RFC 3550 §6.1 and the checks of parseRtcpCompound/parseOne/parseSdes.
 * Every read is preceded by a check against the packet's (or body's) length.
 */

/* Report blocks body[start .. start + 24 * count), already checked to be inside the body. */
static void read_blocks(const uint8_t *body, size_t start, unsigned count, uint32_t our_ssrc, rtcp_info_t *out) {
  for (unsigned i = 0; i < count; i++) {
    const uint8_t *b = body + start + (size_t)i * RTCP_REPORT_BLOCK_SIZE;
    if (rd32(b) != our_ssrc) continue;
    uint32_t lost24 = ((uint32_t)b[5] << 16) | ((uint32_t)b[6] << 8) | (uint32_t)b[7];
    out->have_block = 1;
    out->fraction_lost = b[4];
    out->cumulative_lost = (lost24 & 0x800000u) != 0 ? (int32_t)lost24 - 0x1000000 : (int32_t)lost24;
    out->ext_highest = rd32(b + 8);
    out->jitter = rd32(b + 12);
    out->lsr = rd32(b + 16);
    out->dlsr = rd32(b + 20);
  }
}

/* §6.5 SDES: `count` chunks, each an SSRC and items up to a null item, padded to 32 bits. */
static int check_sdes(const uint8_t *body, size_t blen, unsigned count) {
  size_t o = 0;
  for (unsigned c = 0; c < count; c++) {
    if (blen < 4 || o > blen - 4) return -1; /* the chunk's SSRC */
    o += 4;
    for (;;) {
      if (o >= blen) return -1; /* not terminated by a null item */
      if (body[o] == 0) {
        o = (o + 4) & ~(size_t)3; /* the null octets run to the next 32-bit boundary */
        break;
      }
      if (o + 2 > blen) return -1; /* item header */
      size_t item = body[o + 1];
      if (o + 2 + item > blen) return -1; /* item text */
      o += 2 + item;
    }
    if (o > blen) return -1; /* padding past the end */
  }
  return 0;
}

/* One packet's body (after the header, without padding): parseOne's checks, and what it says. */
static int parse_one(unsigned count, unsigned type, const uint8_t *body, size_t blen, uint32_t our_ssrc,
                     rtcp_info_t *out) {
  switch (type) {
  case RTCP_SR: /* §6.4.1: SSRC, NTP (8), RTP timestamp, packet and octet counts, blocks */
    if (blen < 24 + (size_t)count * RTCP_REPORT_BLOCK_SIZE) return -1;
    out->have_sr = 1;
    out->sr_ssrc = rd32(body);
    out->sr_ntp_middle32 = (rd32(body + 4) << 16) | (rd32(body + 8) >> 16);
    read_blocks(body, 24, count, our_ssrc, out);
    return 0;
  case RTCP_RR: /* §6.4.2: SSRC, blocks */
    if (blen < 4 + (size_t)count * RTCP_REPORT_BLOCK_SIZE) return -1;
    read_blocks(body, 4, count, our_ssrc, out);
    return 0;
  case RTCP_SDES:
    return check_sdes(body, blen, count);
  case RTCP_BYE: { /* §6.6: `count` SSRCs, then optionally a length-prefixed reason */
    size_t rest = (size_t)count * 4;
    if (blen < rest) return -1;
    if (rest < blen && rest + 1 + body[rest] > blen) return -1;
    out->bye = 1;
    return 0;
  }
  case RTCP_APP: /* §6.7: SSRC, name (4), data */
    return blen < 8 ? -1 : 0;
  default: /* other types (RFC 4585 feedback, RFC 3611 XR, ...) are skipped */
    return 0;
  }
}

int rtcp_parse(const uint8_t *p, size_t len, uint32_t our_ssrc, rtcp_info_t *out) {
  if (p == NULL || out == NULL || len == 0) return -1;
  memset(out, 0, sizeof *out);
  size_t offset = 0;
  while (offset < len) {
    size_t left = len - offset;
    if (left < 4) return -1; /* no room for a common header */
    const uint8_t *h = p + offset;
    if ((h[0] >> 6) != 2) return -1; /* version */
    size_t size = (((size_t)h[2] << 8) | h[3]) * 4 + 4;
    if (size > left) return -1; /* the length runs past the datagram */
    unsigned type = h[1];
    /* §6.1/A.2: a compound starts with an SR or RR (not checked by the TypeScript). */
    if (offset == 0 && type != RTCP_SR && type != RTCP_RR) return -1;
    size_t blen = size - 4;
    if ((h[0] & 0x20) != 0) {
      /* Padding (accepted on any packet, as the TypeScript does): the last octet counts it. */
      size_t pad = h[size - 1];
      if (pad == 0 || pad > blen) return -1;
      blen -= pad;
    }
    if (parse_one(h[0] & 0x1fu, type, h + 4, blen, our_ssrc, out) != 0) return -1;
    offset += size;
  }
  return 0;
}

/* ---------------------------------------------------------------------------------------------
 * NTP time: RFC 3550 §4 (64-bit NTP timestamps, the middle 32 bits) and §6.4.1 (RTT).
 * Mirrors ntp-time.ts.
 */

double rtcp_rtt_ms(uint32_t arrival_middle32, uint32_t lsr, uint32_t dlsr) {
  if (lsr == 0) return -1.0; /* the peer has not had an SR from us */
  uint32_t rtt = arrival_middle32 - lsr - dlsr; /* modulo 2^32 */
  if ((rtt & 0x80000000u) != 0) return -1.0;  /* negative: clock error or a corrupt report */
  return ((double)rtt * 1000.0) / 65536.0;
}

uint64_t rtcp_ntp_from_unix_ms(double unix_ms) {
  double whole = js_floor(unix_ms / 1000.0);
  /* volatile: keeps the compiler from fusing this product into `unix_ms - ...` (an FMA would
   * round differently from JavaScript's separate multiply and subtract). */
  volatile double whole_ms = whole * 1000.0;
  double remainder_ms = unix_ms - whole_ms;
  uint32_t seconds = js_to_uint32(whole + 2208988800.0); /* 1900 → 1970 */
  double fraction = js_floor((remainder_ms / 1000.0) * 4294967296.0);
  if (fraction > 4294967295.0) fraction = 4294967295.0; /* Math.min; NaN stays NaN (→ 0) */
  return ((uint64_t)seconds << 32) | js_to_uint32(fraction);
}

uint32_t rtcp_ntp_middle32(uint64_t ntp) {
  return (uint32_t)(ntp >> 16);
}
