/*
 * RTCP for the native media path, pure C (no sockets, no SRTP, no Node-API, no allocation, no
 * globals): the C twin of the TypeScript reference in src-main/protocol/rtp/
 *   - reception-stats.ts  RFC 3550 A.1 sequence validation, A.3 loss, A.8 jitter, LSR/DLSR;
 *   - rtcp-packet.ts      RFC 3550 §6.1 compound packets, §6.4 SR/RR, §6.5 SDES, §6.6 BYE;
 *   - rtcp-reporter.ts    what a compound report holds (SR or RR + blocks, SDES CNAME, BYE);
 *   - ntp-time.ts         RFC 3550 §4 NTP timestamps, §6.4.1 round-trip time.
 * test/integration/media/native-rtcp.test.ts holds this file to those, input by input.
 *
 * Every function takes its time as an argument; nothing here reads a clock. Arithmetic that the
 * TypeScript does in IEEE-754 doubles (arrival time to timestamp units, DLSR, NTP) is done here in
 * doubles in the same order, so results are bit-identical (arrival_us / 1000 is exactly the
 * `arrivalMs` the TypeScript is given for any integer number of microseconds below 2^53).
 */
#ifndef SOFTPHONE_RTCP_H
#define SOFTPHONE_RTCP_H

#include <stddef.h>
#include <stdint.h>

/* Verdicts of rtcp_rx_packet (the TypeScript PacketVerdict). */
enum {
  RTCP_ACCEPTED = 0,     /* 'accepted': counted (in sequence, or a tolerated reorder/duplicate) */
  RTCP_PROBATION = 1,    /* 'probation': the source is not yet valid (A.1 MIN_SEQUENTIAL) */
  RTCP_BAD_SEQUENCE = 2, /* 'bad-sequence': a large jump, held until the next packet confirms it */
  RTCP_RESTARTED = 3     /* 'restarted': a confirmed restart; the statistics were reset */
};

#define RTCP_REPORT_BLOCK_SIZE 24 /* RFC 3550 §6.4.1 */
#define RTCP_MAX_BLOCKS 31        /* the 5-bit report count */

/*
 * One remote source's reception state, RFC 3550 A.1/A.3/A.8 (the fields of ReceptionStats).
 * Counters are 64-bit: at any packet rate they cannot wrap during a call, so the interval and
 * cumulative figures are exact like the TypeScript's (unbounded) numbers.
 */
typedef struct {
  uint32_t ssrc;
  uint32_t clock_rate;          /* of the received media, for A.8 (arrival time in timestamp units) */
  int started;                  /* a first packet has been seen */
  int probation;                /* A.1: in-sequence packets still needed before the source is valid */
  uint16_t max_seq;             /* A.1 max_seq: highest sequence number seen */
  uint32_t base_seq;            /* A.1 base_seq */
  uint32_t bad_seq;             /* A.1 bad_seq: RTP_SEQ_MOD + 1 when no jump is pending */
  uint64_t cycles;              /* A.1 cycles: 65536 per wrap of the sequence number */
  uint64_t received;            /* A.1 received */
  uint64_t expected_prior;      /* A.3 */
  uint64_t received_prior;      /* A.3 */
  int have_transit;             /* A.8: `transit` holds the previous packet's relative transit time */
  int32_t transit;              /* A.8 transit, timestamp units, modulo 2^32 */
  uint64_t jitter_q4;           /* A.8 integer form: jitter * 16 */
  uint32_t last_sr_middle;      /* §6.4.1 LSR: middle 32 bits of the last SR's NTP time (0: none) */
  int64_t last_sr_arrival_us;   /* when that SR arrived (monotonic µs), for DLSR */
} rtcp_rx_t;

/* Starts the reception state of source `ssrc` (media clock `clock_rate` Hz): no packet seen yet. */
void rtcp_rx_init(rtcp_rx_t *rx, uint32_t ssrc, uint32_t clock_rate);

/*
 * A received RTP packet (after SRTP): A.1 update_seq (probation, MAX_DROPOUT 3000, MAX_MISORDER
 * 100, restart on two sequential packets after a large jump), then the A.8 jitter update for
 * packets counted (accepted or restarted). `arrival_us`: microseconds of a monotonic clock.
 * Returns RTCP_ACCEPTED, RTCP_PROBATION, RTCP_BAD_SEQUENCE or RTCP_RESTARTED.
 */
int rtcp_rx_packet(rtcp_rx_t *rx, uint16_t seq, uint32_t rtp_ts, int64_t arrival_us);

/* An SR from this source (its NTP time's middle 32 bits) arrived at `arrival_us`: LSR/DLSR. */
void rtcp_rx_sender_report(rtcp_rx_t *rx, uint32_t ntp_middle32, int64_t arrival_us);

/*
 * Cumulative figures (ReceptionStats.snapshot()). `expected` (and so `lost`) is 0 while the
 * source is on probation; `lost` may be negative (duplicates). Jitter in timestamp units.
 */
typedef struct {
  uint32_t received, expected;
  int32_t lost;
  uint32_t ext_highest, jitter;
} rtcp_rx_snapshot_t;

/* Fills `out` with the cumulative figures; changes nothing (no interval is started). */
void rtcp_rx_snapshot(const rtcp_rx_t *rx, rtcp_rx_snapshot_t *out);

/*
 * The 24-octet report block about this source (RFC 3550 §6.4.1, network order): fraction lost
 * in the interval since the previous block (A.3), cumulative lost clamped to signed 24 bits,
 * extended highest sequence number, jitter, LSR, and DLSR in 1/65536 s from `now_us` (same
 * monotonic clock as the SR's arrival). Starts a new interval. Returns 0 while the source is
 * not valid (not started or on probation: nothing written), 1 otherwise.
 */
int rtcp_rx_report_block(rtcp_rx_t *rx, int64_t now_us, uint8_t out[24]);

/* Our sender information for an SR (RFC 3550 §6.4.1): NTP time (seconds << 32 | fraction). */
typedef struct {
  uint64_t ntp;
  uint32_t rtp_ts, packets, octets;
} rtcp_sender_info_t;

/*
 * A compound report (rtcp-reporter.ts) into out[0..cap): SR (when `sender` != NULL) or RR from
 * `ssrc` with `nblocks` (0..31) 24-octet blocks taken from `blocks`, then SDES with one chunk
 * holding the CNAME (`cname`: a NUL-terminated string of 1..255 octets), then, when `bye` != 0,
 * BYE of `ssrc` without a reason. Returns the length, or 0 when it does not fit in `cap` or an
 * argument is bad (nothing useful is written then).
 */
size_t rtcp_build(uint8_t *out, size_t cap, uint32_t ssrc, const rtcp_sender_info_t *sender, const uint8_t *blocks,
                  int nblocks, const char *cname, int bye);

/*
 * rtcp_build with a BYE reason (§6.6: length octet, text, zero padding to 32 bits), as
 * RtcpReporter.buildBye(reason): `reason` of `reason_len` (0..255) octets, or NULL for none.
 * A reason without `bye` is a bad argument (returns 0).
 */
size_t rtcp_build_ex(uint8_t *out, size_t cap, uint32_t ssrc, const rtcp_sender_info_t *sender, const uint8_t *blocks,
                     int nblocks, const char *cname, int bye, const uint8_t *reason, size_t reason_len);

/* What a received compound says (after SRTCP); what RtcpReporter.onRtcp and RtcpSession use. */
typedef struct {
  int have_sr;                 /* an SR was in the compound */
  uint32_t sr_ssrc;            /* the last SR's sender */
  uint32_t sr_ntp_middle32;    /* the middle 32 bits of the last SR's NTP time (for LSR) */
  int have_block;              /* an SR or RR carried a report block about `our_ssrc` */
  uint8_t fraction_lost;       /* the last such block's fields: */
  int32_t cumulative_lost;     /*   sign-extended from 24 bits */
  uint32_t ext_highest, jitter, lsr, dlsr;
  int bye;                     /* a BYE packet was in it */
} rtcp_info_t;

/*
 * Parses a compound RTCP packet p[0..len) (after SRTCP). Refuses (returns -1, `out` undefined)
 * exactly what parseRtcpCompound refuses: empty input; fewer than 4 octets for a header;
 * version != 2; a length field past the end; a padding count of 0 or past the packet; SR/RR
 * counts that do not fit; SDES chunks not terminated or running past the end; BYE counts or
 * reasons running past the end; APP shorter than 8 octets. Other packet types are skipped.
 * In addition (RFC 3550 §6.1, A.2) the first packet must be an SR or RR; the TypeScript does not
 * check this (it allows RFC 5506 reduced-size RTCP, which this softphone never negotiates).
 * Returns 0 on success. Never reads outside p[0..len) for any input.
 */
int rtcp_parse(const uint8_t *p, size_t len, uint32_t our_ssrc, rtcp_info_t *out);

/*
 * Round-trip time in ms from a report block about us (ntp-time.ts roundTripTimeMs, RFC 3550
 * §6.4.1): A - LSR - DLSR in 1/65536 s, with A the report's arrival (middle 32 bits of our NTP
 * wall clock). Returns -1 when undefined (LSR 0, or a negative result).
 */
double rtcp_rtt_ms(uint32_t arrival_middle32, uint32_t lsr, uint32_t dlsr);

/* The 64-bit NTP timestamp (seconds since 1900 mod 2^32, fraction) of Unix time `unix_ms`
 * (ntpFromUnixMs, RFC 3550 §4). */
uint64_t rtcp_ntp_from_unix_ms(double unix_ms);

/* The middle 32 bits of a 64-bit NTP timestamp (ntpMiddle32; the LSR form, §6.4.1). */
uint32_t rtcp_ntp_middle32(uint64_t ntp);

#endif
