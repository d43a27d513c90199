/*
 * The native media path prototype (issue 16): one call leg's steady-state frame path on a native
 * thread, so a call costs no JavaScript wake-ups. JS negotiates (SDP, SDES keys: the TypeScript
 * engine's code) and controls; this thread does, once a period (the ptime, 10-60 ms) on one
 * absolute-time wake-up (clock_nanosleep TIMER_ABSTIME, so it never drifts), under the leg's lock:
 *
 *   1. read every datagram waiting on the RTP socket (and the RTCP socket without rtcp-mux),
 *      with its kernel arrival time: RTCP to the reports' bookkeeping (rtcp.c); RTP through the
 *      symmetric-RTP latch (strangers cost a comparison), SRTP (libsrtp2; the previous receive
 *      key during a re-key), into a small sequence-ordered jitter queue and RFC 3550 reception
 *      statistics; RFC 4733 telephone-events reported to JS;
 *   2. take the period's capture (file PCM, or the microphone: PortAudio's callback fills a ring,
 *      resampled to 8 kHz, echo-cancelled, gained, metered), G.711-encode it (or an RFC 4733
 *      event), write the RTP header, SRTP-protect, send it to where the peer really sends from;
 *   3. play one period out of the jitter queue (any packet duration, through a decoded-sample
 *      FIFO; a missing packet is concealed and the queue adapts) into the recording and/or the
 *      speaker's ring;
 *   4. when due, an RTCP compound (SR/RR + SDES, SRTCP) at a randomised interval; BYE on stop.
 *
 * Scope (a prototype): G.711 only; SRTP AES_CM_128_HMAC_SHA1_80/32 or plain RTP; hold, resume,
 * refreshes, re-keys and peer moves through update()/rekey(); sound cards through PortAudio
 * (naudiodon's build), device switches through setDevices(). JS is woken only for a received
 * digit, a latch move or a stopped device (one thread-safe function). Counters are read with
 * relaxed atomics; the rest of stats() under the lock.
 *
 * The JS side: native/media-path/index.mjs (loader and build); bench/native/ (a leg negotiated by
 * the TypeScript offer/answer, and the CallMedia port over it); tested by
 * test/integration/media/native-{media-path,rtcp,sound-card}.test.ts and fuzzed by
 * native/media-path/fuzz/ (test/fuzz/native-media-path.test.ts).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <stdio.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <node_api.h>
#include <srtp.h>

#include <opus.h>
#include <portaudio.h>
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>
#include <speex/speex_resampler.h>

#include "g722.h"
#include "rtcp.h"

/* The speaker reference kept for the echo canceller: about 1 s at 16 kHz (a power of two). */
#define FAR_HIST 16384
#define FRAME_MAX_SAMPLES 960 /* a period: 60 ms at 16 kHz (Opus), 120 ms of G.711 */
#define PAYLOAD_MAX 1275      /* the largest Opus packet (RFC 6716 §3.4); G.711 up to FRAME_MAX_SAMPLES */
#define PACKET_SAMPLES_MAX 1920 /* the longest packet played: 120 ms at 16 kHz */
#define PCM_FIFO (FRAME_MAX_SAMPLES + PACKET_SAMPLES_MAX)
#define PACKET_MAX 1500
#define JB_SLOTS 64 /* power of two: 640 ms of 10 ms packets */
#define CONCEAL_FRAMES 3
#define DTMF_QUEUE 32 /* power of two */
#define DTMF_GAP_MS 70 /* of audio between digits, as the TypeScript sender */

#define RETIRED_MAX 4
#define RELATCH_AFTER_US 1000000      /* plain RTP: a new source only after the latched one is quiet 1 s */
#define SRTP_RELATCH_AFTER_US 250000  /* SRTP: strangers are authenticated only after 250 ms of quiet */
#define STRANGER_AUTH_EVERY_US 20000  /* ... and then at most one every 20 ms */
#define SEND_DEFER_MAX_US 2000000     /* the answerer's new send key waits at most 2 s for the offerer's */
#define RTCP_INTERVAL_US 5000000      /* RFC 3550 §6.2 nominal report interval (as RtcpReporter; tests shorten it) */
#define RTCP_PACKET_MAX 512

typedef struct {
  uint64_t wakeups, late_wakeups, packets_sent, datagrams, packets_received, bytes_received, accepted, duplicates;
  uint64_t rtcp_received, auth_failures, replay_failures, other_srtp_failures, not_rtp, wrong_payload_type;
  uint64_t strangers, refused_sources, latches, rekeys, under_previous_key;
  uint64_t rtcp_malformed, rtcp_sent;
  uint64_t late_packets, overflow_dropped, underruns, resyncs, held, dtmf_packets, dtmf_sent, dtmf_received, frames_played, frames_concealed, frames_silent, send_errors;
  uint64_t max_lateness_us;
} counters_t;

/* ---- sound cards (PortAudio) ---- */

#define RING_SAMPLES 32768   /* power of two: 680 ms at 48 kHz */
#define DEVICE_FRAME_MAX 5760 /* 60 ms at 96 kHz */
#define LEVEL_MS 100          /* meters over 100 ms, as the TypeScript streams */
#define QUEUE_CAP_MS 100      /* at most this much over a ring's cushion, whatever the device does */

/* A single-producer single-consumer ring of samples between a PortAudio callback and the media thread. */
typedef struct {
  int16_t data[RING_SAMPLES];
  uint32_t head, tail; /* head: the producer's; tail: the consumer's */
} ring_t;

/*
 * A call's sound-card audio on the native side, so device I/O never wakes JS: PortAudio's
 * callbacks (its own real-time threads) only move samples in and out of two rings; the media
 * thread, once a period, takes 20 ms of the microphone (resampled to the codec's 8 kHz with
 * speexdsp's resampler), cancels the speaker's echo (speexdsp's echo canceller and residual
 * echo suppressor, fed with the frame the period before played), applies the gain and the
 * mute and meters it; and hands the period's played frame, gained and metered, resampled to the
 * device rate, to the speaker's ring. The rings bound the delay: more than four periods queued
 * (a device clock faster than ours) drops down to two; a short ring is an underrun, filled
 * with silence (counted).
 */
typedef struct {
  int on;
  PaStream *in, *out;
  int pa_ready;
  int rate, device_frame;
  ring_t *cap, *play;
  SpeexResamplerState *down, *up;
  SpeexEchoState *aec;
  SpeexPreprocessState *pp;
  /* The echo canceller's speaker reference: what went into the speaker's ring (its silence
     cushions included), at the PCM rate, indexed by far_queued; and the microphone's device
     samples consumed (read or dropped). Each microphone frame is paired with the far samples the
     speaker was given when that frame was captured, by an offset fixed once both streams run:
     a dropped or skipped period on either side then moves both indexes alike, and the echo
     path the canceller learned stays where it is. The speaker's underruns (silence it played
     instead of the ring) delay what follows, so they shift the pairing by as much. */
  int16_t far_hist[FAR_HIST];
  uint64_t far_queued, near_consumed;
  int paired;
  int64_t pair_offset;
  uint64_t pair_underruns;
  float in_gain, out_gain;
  double in_sum, out_sum;
  int in_peak, out_peak, level_frames;
  int32_t in_level_cdb, out_level_cdb, in_peak_cdb, out_peak_cdb; /* the last 100 ms, centi-dBFS (atomic) */
  int32_t in_clipped; /* a microphone sample hit full scale in the last 100 ms */
  uint64_t capture_underruns, capture_dropped, capture_overflow, playback_underrun_samples, playback_dropped;
  /* The microphone ring's cushion (periods kept queued; raised by underruns, at most 4) and whether it is primed. */
  int cushion, primed;
  /* Clock drift, not bursts: the least each ring held over a 2 s window; a ring that never fell
     below its cushion plus a period for a whole window is a device clock running apart from
     ours, and one period is dropped (devices deliver and pull in bursts of tens of ms, which
     an instantaneous threshold would mistake for drift, and every drop moves the echo path). */
  uint32_t cap_min, play_min;
  int drift_ticks, play_skip, windows;
  int play_running; /* the speaker's callback has started pulling (set by the callback) */
  int error_posted;
} audio_t;

typedef struct {
  int present;
  uint16_t seq;
  uint16_t samples; /* the packet's duration at the PCM rate */
  uint16_t bytes;
  uint8_t payload[PAYLOAD_MAX];
} jb_slot_t;

/* A transport address (v4-mapped IPv6 compared as IPv4). */
typedef struct {
  struct sockaddr_storage addr;
  socklen_t len;
  int set;
} endpoint_t;

/*
 * Symmetric RTP (RFC 4961) with latching, the rules of the TypeScript MediaTransport (its file
 * comment): send where the peer really sends from; a stranger costs a comparison while the
 * latched source is live; after the quiet time one stranger per 20 ms may authenticate (SRTP)
 * and move the latch; with plain RTP a new source is taken only after 1 s of quiet; sources of
 * earlier negotiations are retired and never taken back.
 */
typedef struct {
  endpoint_t target;
  int latched;
  int64_t last_from_target_us;
  int64_t stranger_auth_at_us;
  endpoint_t retired[RETIRED_MAX];
  int nretired;
} latch_t;

/* Events for JS (rare: a digit, a latch move), handed over through one thread-safe function. */
enum { EVENT_DTMF = 1, EVENT_LATCHED = 2, EVENT_AUDIO_ERROR = 3 };
typedef struct {
  int kind;
  int32_t a, b;
  char text[INET6_ADDRSTRLEN];
} event_t;

typedef struct {
  /* config */
  int fd;
  int alaw;
  /* The codec: G.711 (PCM and RTP clock at 8 kHz), or Opus (RFC 7587: RTP clock 48 kHz; PCM
     at 16 kHz, wideband voice, where the echo canceller converges fast). Zero rates mean 8 kHz. */
  int opus;
  OpusEncoder *enc;
  OpusDecoder *dec;
  /* G.722 (64 kbit/s, PCM at 16 kHz, RTP clock 8 kHz: RFC 3551 §4.5.2): g722.c, the port of the
     TypeScript codec (protocol/codec/g722.ts), its state inside the leg (nothing to free). */
  int g722;
  mp_g722_encoder_t g722_enc;
  mp_g722_decoder_t g722_dec;
  int pcm_rate, clock_rate;
  int payload_type;
  int frame_samples;
  int period_ns;
  uint32_t ssrc;
  uint16_t seq;
  uint32_t timestamp;
  int marker_sent; /* the first packet carries the marker bit (start of a talkspurt) */
  int srtp_on;
  srtp_t srtp_send, srtp_recv;
  /* Re-keying (RFC 4568 §7.1.4), as SrtpFilter/SrtpSession: the previous receive context stays
     until a packet authenticates under the new one; the answerer's new send context waits for
     the offerer's new key (or SEND_DEFER_MAX_US). */
  srtp_t srtp_recv_prev, srtp_send_pending;
  int64_t send_pending_deadline_us;
  int last_under_previous;
  /* The lock between the media thread's period and JS's control calls (update, rekey). */
  pthread_mutex_t lock;
  int lock_ready;
  latch_t latch;
  int connected; /* the socket is connected to the latch's target (the kernel drops other sources) */
  int64_t now_us; /* the current period's monotonic time */
  int64_t wall_offset_us; /* CLOCK_REALTIME - CLOCK_MONOTONIC, taken when the thread starts */
  /* RTCP (RFC 3550 §6, as RtcpSession/RtcpReporter): on the RTP socket with rtcp-mux, else on
     its own socket (port + 1) with its own latch; reception statistics of the peer's source,
     fed with kernel arrival times (SO_TIMESTAMPNS) so the period's wake-up does not look like
     jitter; a compound SR/RR + SDES CNAME at a randomised interval; BYE when the leg stops. */
  int rtcp_fd;
  int rtcp_mux;
  latch_t rtcp_latch;
  rtcp_rx_t rx;
  int rx_active;
  char cname[64];
  uint32_t rng_state;
  int64_t next_report_us, report_interval_us;
  uint64_t octets_sent, sent_at_last_report;
  uint32_t last_sent_ts;
  int64_t last_sent_wall_us;
  int has_sent, bye_sent;
  int have_rtt, have_remote_fraction, peer_bye;
  double rtt_ms;
  uint8_t remote_fraction;
  audio_t audio;
  int16_t *source;
  size_t source_samples, source_pos;
  int loop_source; /* start over at the end of source (the TypeScript file port's default) */
  /* A source at another rate than the codec's PCM rate (a 48 kHz WAV file): converted a period at
     a time (speexdsp's resampler), so a long file costs nothing at call set-up. */
  int source_rate;
  SpeexResamplerState *source_rs;
  int16_t *recording;
  size_t recording_cap, recording_len;
  int jitter_target;
  /* thread */
  pthread_t thread;
  int thread_started;
  volatile int running;
  volatile int muted;
  volatile int send_enabled, receive_enabled;
  /* RFC 4733 DTMF: the telephone-event payload type (-1: not agreed), a queue from JS (single
     producer) to the media thread (single consumer), the event being sent, and the JS callback
     for received digits. */
  int dtmf_pt;
  struct { uint8_t event; uint32_t ticks; } dtmf_queue[DTMF_QUEUE];
  uint32_t dtmf_head, dtmf_tail;
  int dtmf_state; /* 0 idle, 1 tone, 2 ending, 3 gap */
  uint8_t dtmf_event;
  uint32_t dtmf_start_ts, dtmf_done, dtmf_total;
  int dtmf_repeats, dtmf_gap, dtmf_first;
  napi_threadsafe_function on_event;
  int have_last_dtmf;
  uint32_t last_dtmf_ts;
  double capture_start_epoch_ms, playback_start_epoch_ms;
  /* jitter buffer */
  jb_slot_t jb[JB_SLOTS];
  int jb_count;
  int jb_samples; /* the queued packets' duration, samples: the queue's depth is measured in time, not packets */
  int playing;
  uint16_t next_seq;
  int16_t last_frame[FRAME_MAX_SAMPLES];
  int16_t pcm[PCM_FIFO]; /* decoded, not yet played (packets longer than a period) */
  int pcm_len;
  int conceal_run;
  int deep_ticks, ticks_since_underrun;
  uint32_t remote_ssrc;
  counters_t c;
  int closed;
} leg_t;

static int srtp_ready = 0;
static pthread_mutex_t srtp_init_lock = PTHREAD_MUTEX_INITIALIZER;

/* The leg's PCM rate and RTP clock (8 kHz unless set: G.711), and a period in RTP timestamp units. */
static inline int pcm_rate(const leg_t *l) { return l->pcm_rate > 0 ? l->pcm_rate : 8000; }
static inline int clock_rate(const leg_t *l) { return l->clock_rate > 0 ? l->clock_rate : 8000; }
static inline uint32_t ts_step(const leg_t *l) { return (uint32_t)((int64_t)l->frame_samples * clock_rate(l) / pcm_rate(l)); }

/* ---- G.711 (ITU-T G.711; the classic Sun reference formulation) ---- */

static uint8_t linear_to_ulaw(int16_t pcm) {
  const int BIAS = 0x84, CLIP = 32635;
  int sign = (pcm >> 8) & 0x80;
  int v = pcm;
  if (sign) v = -v;
  if (v > CLIP) v = CLIP;
  v += BIAS;
  int exponent = 7;
  for (int mask = 0x4000; (v & mask) == 0 && exponent > 0; mask >>= 1) exponent--;
  int mantissa = (v >> (exponent + 3)) & 0x0f;
  return (uint8_t)~(sign | (exponent << 4) | mantissa);
}

static int16_t ulaw_to_linear(uint8_t u) {
  u = (uint8_t)~u;
  int t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return (int16_t)((u & 0x80) ? (0x84 - t) : (t - 0x84));
}

static uint8_t linear_to_alaw(int16_t pcm) {
  int v = pcm >> 3; /* 13-bit */
  int mask;
  if (v >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    v = -v - 1;
  }
  static const int seg_end[8] = {0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff};
  int seg = 0;
  while (seg < 8 && v > seg_end[seg]) seg++;
  if (seg >= 8) return (uint8_t)(0x7f ^ mask);
  int aval = seg << 4;
  aval |= seg < 2 ? (v >> 1) & 0x0f : (v >> seg) & 0x0f;
  return (uint8_t)(aval ^ mask);
}

static int16_t alaw_to_linear(uint8_t a) {
  a ^= 0x55;
  int t = (a & 0x0f) << 4;
  int seg = (a & 0x70) >> 4;
  if (seg == 0) t += 8;
  else if (seg == 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return (int16_t)((a & 0x80) ? t : -t);
}

/* ---- helpers ---- */

static inline void add(uint64_t *counter, uint64_t n) { __atomic_fetch_add(counter, n, __ATOMIC_RELAXED); }
static inline uint64_t get(const uint64_t *counter) { return __atomic_load_n(counter, __ATOMIC_RELAXED); }

static double epoch_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static void add_ns(struct timespec *t, long ns) {
  t->tv_nsec += ns;
  while (t->tv_nsec >= 1000000000L) {
    t->tv_nsec -= 1000000000L;
    t->tv_sec++;
  }
}

static int64_t diff_us(const struct timespec *a, const struct timespec *b) {
  return ((int64_t)a->tv_sec - b->tv_sec) * 1000000 + (a->tv_nsec - b->tv_nsec) / 1000;
}

static int parse_address(const char *host, int port, struct sockaddr_storage *out, socklen_t *len) {
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_flags = AI_NUMERICHOST;
  hints.ai_socktype = SOCK_DGRAM;
  char service[8];
  snprintf(service, sizeof service, "%d", port);
  if (getaddrinfo(host, service, &hints, &res) != 0 || res == NULL) return -1;
  memcpy(out, res->ai_addr, res->ai_addrlen);
  *len = res->ai_addrlen;
  freeaddrinfo(res);
  return 0;
}

/* The address and port of an endpoint, IPv4-mapped IPv6 unwrapped (a dual-stack socket). */
static int endpoint_key(const struct sockaddr_storage *a, uint8_t out[16], int *port) {
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)a;
    memset(out, 0, 16);
    memcpy(out + 12, &v4->sin_addr, 4);
    *port = ntohs(v4->sin_port);
    return 4;
  }
  if (a->ss_family == AF_INET6) {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)a;
    memcpy(out, &v6->sin6_addr, 16);
    *port = ntohs(v6->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      memset(out, 0, 12);
      return 4;
    }
    return 6;
  }
  return 0;
}

static int same_endpoint(const endpoint_t *e, const struct sockaddr_storage *a) {
  if (!e->set) return 0;
  uint8_t x[16], y[16];
  int px = 0, py = 0;
  int fx = endpoint_key(&e->addr, x, &px), fy = endpoint_key(a, y, &py);
  return fx != 0 && fx == fy && px == py && memcmp(x, y, 16) == 0;
}

/* A usable destination: not the null address (RFC 3264 §8.4 old-style hold) and not port 0. */
static int usable_endpoint(const struct sockaddr_storage *a) {
  uint8_t k[16], zero[16] = {0};
  int port = 0;
  return endpoint_key(a, k, &port) != 0 && port != 0 && memcmp(k, zero, 16) != 0;
}

static void set_endpoint(endpoint_t *e, const struct sockaddr_storage *a, socklen_t len) {
  memcpy(&e->addr, a, sizeof e->addr);
  e->len = len;
  e->set = 1;
}

/* A new negotiated destination (or none): the latched source, if it is another, is retired. */
static void latch_reset(latch_t *t, const struct sockaddr_storage *target, socklen_t len) {
  if (t->target.set && t->latched && (target == NULL || !same_endpoint(&t->target, target))) {
    if (t->nretired == RETIRED_MAX) memmove(&t->retired[0], &t->retired[1], sizeof(endpoint_t) * (RETIRED_MAX - 1));
    else t->nretired++;
    t->retired[t->nretired - 1] = t->target;
  }
  if (target != NULL) {
    int k = 0;
    for (int i = 0; i < t->nretired; i++)
      if (!same_endpoint(&t->retired[i], target)) t->retired[k++] = t->retired[i];
    t->nretired = k;
  }
  memset(&t->target, 0, sizeof t->target);
  if (target != NULL && usable_endpoint(target)) set_endpoint(&t->target, target, len);
  t->latched = 0;
  t->last_from_target_us = 0;
  t->stranger_auth_at_us = INT64_MIN / 2;
}

static int64_t monotonic_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* Hands an event to JS (never blocks the media thread; dropped when JS's queue is full). */
static void post_event(leg_t *l, int kind, int32_t a, int32_t b, const char *text) {
  if (l->on_event == NULL) return;
  event_t *e = (event_t *)calloc(1, sizeof(event_t));
  if (e == NULL) return;
  e->kind = kind;
  e->a = a;
  e->b = b;
  if (text != NULL) snprintf(e->text, sizeof e->text, "%s", text);
  if (napi_call_threadsafe_function(l->on_event, e, napi_tsfn_nonblocking) != napi_ok) free(e);
}

/* ---- the receive side ---- */

/* A telephone-event packet (RFC 4733 §2.3): report each event once, on its first end packet
   (E bit), to JS through the thread-safe function - the only time a call wakes JS. */
static void dtmf_received(leg_t *l, const uint8_t *packet, int header, int payload) {
  if (payload < 4) return;
  const uint8_t *e = packet + header;
  if ((e[1] & 0x80) == 0 || e[0] > 15) return;
  uint32_t ts = ((uint32_t)packet[4] << 24) | ((uint32_t)packet[5] << 16) | ((uint32_t)packet[6] << 8) | packet[7];
  if (l->have_last_dtmf && ts == l->last_dtmf_ts) return; /* the end packet's repeats */
  l->have_last_dtmf = 1;
  l->last_dtmf_ts = ts;
  uint32_t duration_ms = (((uint32_t)e[2] << 8) | e[3]) * 1000u / (uint32_t)clock_rate(l);
  add(&l->c.dtmf_received, 1);
  post_event(l, EVENT_DTMF, e[0], (int32_t)duration_ms, NULL);
}

/* RFC 3550 A.1/A.8 for the peer's source (a new SSRC starts new statistics, as RtcpReporter). */
static void rx_packet(leg_t *l, const uint8_t *packet, int64_t arrival_wall_us) {
  uint16_t seq = (uint16_t)((packet[2] << 8) | packet[3]);
  uint32_t ts = ((uint32_t)packet[4] << 24) | ((uint32_t)packet[5] << 16) | ((uint32_t)packet[6] << 8) | packet[7];
  uint32_t ssrc = ((uint32_t)packet[8] << 24) | ((uint32_t)packet[9] << 16) | ((uint32_t)packet[10] << 8) | packet[11];
  if (!l->rx_active || l->rx.ssrc != ssrc) {
    rtcp_rx_init(&l->rx, ssrc, (uint32_t)clock_rate(l));
    l->rx_active = 1;
  }
  rtcp_rx_packet(&l->rx, seq, ts, arrival_wall_us);
}

static void jb_put(leg_t *l, const uint8_t *packet, int length, int64_t arrival_wall_us) {
  if (length < 12 || (packet[0] >> 6) != 2) {
    add(&l->c.not_rtp, 1);
    return;
  }
  int cc = packet[0] & 0x0f;
  int header = 12 + 4 * cc;
  if (packet[0] & 0x10) { /* header extension */
    if (length < header + 4) {
      add(&l->c.not_rtp, 1);
      return;
    }
    header += 4 + 4 * ((packet[header + 2] << 8) | packet[header + 3]);
  }
  int padding = (packet[0] & 0x20) ? packet[length - 1] : 0;
  int payload = length - header - padding;
  if (payload <= 0 || payload > (l->opus ? PAYLOAD_MAX : FRAME_MAX_SAMPLES)) {
    add(&l->c.not_rtp, 1);
    return;
  }
  if (l->dtmf_pt >= 0 && (packet[1] & 0x7f) == l->dtmf_pt) {
    rx_packet(l, packet, arrival_wall_us); /* telephone-event shares the stream's sequence space */
    add(&l->c.dtmf_packets, 1);
    dtmf_received(l, packet, header, payload);
    return;
  }
  if ((packet[1] & 0x7f) != l->payload_type) {
    add(&l->c.wrong_payload_type, 1);
    return;
  }
  rx_packet(l, packet, arrival_wall_us);
  uint16_t seq = (uint16_t)((packet[2] << 8) | packet[3]);
  uint32_t ssrc = ((uint32_t)packet[8] << 24) | ((uint32_t)packet[9] << 16) | ((uint32_t)packet[10] << 8) | packet[11];
  if (l->playing) {
    int16_t ahead = (int16_t)(seq - l->next_seq);
    if (ssrc != l->remote_ssrc || ahead >= JB_SLOTS || ahead < -JB_SLOTS) {
      /* A new source (the peer restarted its stream) or a sequence jump either way: start over
         from this packet rather than wait for, or refuse as late, a sequence that never comes. */
      memset(l->jb, 0, sizeof l->jb);
      l->jb_count = 0;
      l->jb_samples = 0;
      l->next_seq = seq;
      add(&l->c.resyncs, 1);
    } else if (ahead < 0) {
      add(&l->c.late_packets, 1);
      return;
    }
  }
  l->remote_ssrc = ssrc;
  jb_slot_t *s = &l->jb[seq & (JB_SLOTS - 1)];
  if (s->present && s->seq == seq) { /* duplicate (SRTP's replay check catches most) */
    add(&l->c.duplicates, 1);
    return;
  }
  int samples = l->g722 ? 2 * payload : payload; /* G.711: an octet a sample; G.722: two */
  if (l->g722 && samples > PACKET_SAMPLES_MAX) {
    add(&l->c.not_rtp, 1);
    return;
  }
  if (l->opus) {
    samples = opus_packet_get_nb_samples(packet + header, payload, pcm_rate(l));
    if (samples <= 0 || samples > PACKET_SAMPLES_MAX) { /* not an Opus packet (RFC 6716 §3.1), or longer than 120 ms */
      add(&l->c.not_rtp, 1);
      return;
    }
  }
  add(&l->c.accepted, 1);
  if (!s->present) l->jb_count++;
  else l->jb_samples -= s->samples; /* a stale slot reused */
  l->jb_samples += samples;
  s->present = 1;
  s->seq = seq;
  s->samples = (uint16_t)samples;
  s->bytes = (uint16_t)payload;
  memcpy(s->payload, packet + header, (size_t)payload);
  if (!l->playing) {
    /* Not playing yet: the earliest sequence number seen is where playout starts. */
    if (l->jb_count == 1 || (int16_t)(seq - l->next_seq) < 0) l->next_seq = seq;
  }
}

/* Swaps the answerer's deferred send context in (the offerer uses its new key, or time is up). */
static void commit_pending_send(leg_t *l) {
  if (l->srtp_send_pending == NULL) return;
  srtp_dealloc(l->srtp_send);
  l->srtp_send = l->srtp_send_pending;
  l->srtp_send_pending = NULL;
}

/*
 * SRTP-unprotects in place under the current receive context, else the previous one (a re-key in
 * progress; `last_under_previous` says so). The first packet under the current key ends the
 * previous context and commits a deferred send key. libsrtp2 checks the tag before it decrypts,
 * so a packet that fails the first context is still intact for the second.
 */
static srtp_err_status_t unprotect(leg_t *l, uint8_t *packet, int *length, int rtcp) {
  int n = *length;
  l->last_under_previous = 0;
  srtp_err_status_t e = rtcp ? srtp_unprotect_rtcp(l->srtp_recv, packet, length) : srtp_unprotect(l->srtp_recv, packet, length);
  if (e == srtp_err_status_ok) {
    if (l->srtp_recv_prev != NULL) {
      srtp_dealloc(l->srtp_recv_prev);
      l->srtp_recv_prev = NULL;
      commit_pending_send(l);
    }
    return e;
  }
  if (l->srtp_recv_prev != NULL) {
    *length = n;
    if ((rtcp ? srtp_unprotect_rtcp(l->srtp_recv_prev, packet, length) : srtp_unprotect(l->srtp_recv_prev, packet, length)) == srtp_err_status_ok) {
      l->last_under_previous = 1;
      add(&l->c.under_previous_key, 1);
      return srtp_err_status_ok;
    }
  }
  return e;
}

static void connect_target(leg_t *l) {
  l->connected = l->latch.target.set && connect(l->fd, (struct sockaddr *)&l->latch.target.addr, l->latch.target.len) == 0;
}

static void disconnect_socket(leg_t *l) {
  if (!l->connected) return;
  struct sockaddr unspec;
  memset(&unspec, 0, sizeof unspec);
  unspec.sa_family = AF_UNSPEC;
  connect(l->fd, &unspec, sizeof unspec);
  l->connected = 0;
}

/* The cheap check before any SRTP work (MediaTransport.stranger): 1 = drop, counted. */
static int stranger(leg_t *l, latch_t *t, const struct sockaddr_storage *from) {
  if (same_endpoint(&t->target, from)) return 0;
  if (!t->latched) return 0;
  for (int i = 0; i < t->nretired; i++)
    if (same_endpoint(&t->retired[i], from)) return 1;
  int64_t quiet = l->srtp_on ? SRTP_RELATCH_AFTER_US : RELATCH_AFTER_US;
  if (l->now_us - t->last_from_target_us <= quiet || (l->srtp_on && l->now_us - t->stranger_auth_at_us < STRANGER_AUTH_EVERY_US)) return 1;
  if (l->srtp_on) t->stranger_auth_at_us = l->now_us;
  return 0;
}

/* Symmetric RTP (MediaTransport.accept): 1 = take the packet; a move of the latch is reported. */
static int accept_source(leg_t *l, latch_t *t, const struct sockaddr_storage *from, socklen_t from_len) {
  int rtp = t == &l->latch;
  if (same_endpoint(&t->target, from)) {
    t->latched = 1;
    t->last_from_target_us = l->now_us;
    if (rtp && !l->connected) connect_target(l);
    return 1;
  }
  for (int i = 0; i < t->nretired; i++)
    if (same_endpoint(&t->retired[i], from)) return 0;
  int may_move = l->srtp_on ? !l->last_under_previous : !t->latched || l->now_us - t->last_from_target_us > RELATCH_AFTER_US;
  if (!may_move) return 0;
  if (rtp) disconnect_socket(l);
  set_endpoint(&t->target, from, from_len);
  t->latched = 1;
  t->last_from_target_us = l->now_us;
  if (!rtp) return 1; /* the RTCP socket's latch (without rtcp-mux): followed, not reported */
  add(&l->c.latches, 1);
  char text[INET6_ADDRSTRLEN] = "";
  uint8_t key[16];
  int port = 0;
  int family = endpoint_key(from, key, &port);
  if (family == 4) inet_ntop(AF_INET, key + 12, text, sizeof text);
  else if (family == 6) inet_ntop(AF_INET6, key, text, sizeof text);
  post_event(l, EVENT_LATCHED, port, 0, text);
  connect_target(l);
  return 1;
}

static void count_srtp_failure(leg_t *l, srtp_err_status_t e) {
  if (e == srtp_err_status_auth_fail) add(&l->c.auth_failures, 1);
  else if (e == srtp_err_status_replay_fail || e == srtp_err_status_replay_old) add(&l->c.replay_failures, 1);
  else add(&l->c.other_srtp_failures, 1);
}

/*
 * One datagram read without blocking, with its source and its kernel arrival time
 * (SO_TIMESTAMPNS, wall clock; the period's time when the kernel gave none). -1: nothing more.
 */
static ssize_t read_datagram(int fd, uint8_t *buf, size_t cap, struct sockaddr_storage *from, socklen_t *from_len, int64_t *arrival_wall_us, int64_t fallback) {
  struct iovec iov = {buf, cap};
  union {
    struct cmsghdr align;
    char space[CMSG_SPACE(sizeof(struct timespec))];
  } control;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_name = from;
  msg.msg_namelen = sizeof *from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.space;
  msg.msg_controllen = sizeof control.space;
  ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
  if (n < 0) return n;
  *from_len = msg.msg_namelen;
  *arrival_wall_us = fallback;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      struct timespec t;
      memcpy(&t, CMSG_DATA(c), sizeof t);
      *arrival_wall_us = (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
    }
  }
  return n;
}

/* A compound RTCP packet from the peer (RtcpSession.onRtcp / RtcpReporter.onRtcp). */
static void rtcp_received(leg_t *l, latch_t *latch, uint8_t *packet, int n, const struct sockaddr_storage *from, socklen_t from_len, int64_t arrival_wall_us) {
  if (stranger(l, latch, from)) {
    add(&l->c.strangers, 1);
    return;
  }
  int length = n;
  if (l->srtp_on) {
    srtp_err_status_t e = unprotect(l, packet, &length, 1);
    if (e != srtp_err_status_ok) {
      count_srtp_failure(l, e);
      return;
    }
  }
  if (!accept_source(l, latch, from, from_len)) {
    add(&l->c.refused_sources, 1);
    return;
  }
  rtcp_info_t info;
  if (rtcp_parse(packet, (size_t)length, l->ssrc, &info) != 0) {
    add(&l->c.rtcp_malformed, 1);
    return;
  }
  add(&l->c.rtcp_received, 1);
  if (info.have_sr && l->rx_active && info.sr_ssrc == l->rx.ssrc) rtcp_rx_sender_report(&l->rx, info.sr_ntp_middle32, arrival_wall_us);
  if (info.have_block) {
    l->remote_fraction = info.fraction_lost;
    l->have_remote_fraction = 1;
    double rtt = rtcp_rtt_ms(rtcp_ntp_middle32(rtcp_ntp_from_unix_ms((double)arrival_wall_us / 1000.0)), info.lsr, info.dlsr);
    if (rtt >= 0) {
      l->rtt_ms = rtt;
      l->have_rtt = 1;
    }
  }
  if (info.bye) l->peer_bye = 1;
}

/*
 * One datagram from the RTP socket (packet[0..n), room for SRTP_MAX_TRAILER_LEN more): RTCP on
 * the muxed port, or RTP through the latch, SRTP, the hold state and the jitter queue. Every
 * datagram ends in exactly one counter (the conservation law of index.d.mts). No socket I/O
 * besides the latch's connect: native/media-path/fuzz/ drives this directly.
 */
static void process_datagram(leg_t *l, uint8_t *packet, int n, const struct sockaddr_storage *from, socklen_t from_len, int64_t arrival) {
  add(&l->c.datagrams, 1);
  add(&l->c.bytes_received, (uint64_t)n);
  if (n < 8 || (packet[0] >> 6) != 2) {
    add(&l->c.not_rtp, 1);
    return;
  }
  int pt = packet[1] & 0x7f;
  if (pt >= 64 && pt <= 95) { /* RTCP on the muxed port (RFC 5761 §4) */
    if (l->rtcp_mux) rtcp_received(l, &l->latch, packet, n, from, from_len, arrival);
    else add(&l->c.not_rtp, 1);
    return;
  }
  if (stranger(l, &l->latch, from)) {
    add(&l->c.strangers, 1);
    return;
  }
  int length = n;
  if (l->srtp_on) {
    srtp_err_status_t e = unprotect(l, packet, &length, 0);
    if (e != srtp_err_status_ok) {
      count_srtp_failure(l, e);
      return;
    }
  } else if (n < 12) {
    add(&l->c.not_rtp, 1); /* plain RTP: not even an RTP header, so it cannot move the latch */
    return;
  }
  if (!accept_source(l, &l->latch, from, from_len)) {
    add(&l->c.refused_sources, 1);
    return;
  }
  add(&l->c.packets_received, 1);
  if (!l->receive_enabled) { /* authenticated (SRTP's replay state stays current) but not played */
    add(&l->c.held, 1);
    return;
  }
  jb_put(l, packet, length, arrival);
}

/* Every datagram waiting on the RTP socket. */
static void receive_all(leg_t *l) {
  uint8_t packet[PACKET_MAX + SRTP_MAX_TRAILER_LEN];
  int refused = 0;
  int64_t fallback = l->now_us + l->wall_offset_us;
  for (;;) {
    struct sockaddr_storage from;
    socklen_t from_len = sizeof from;
    int64_t arrival;
    ssize_t n = read_datagram(l->fd, packet, PACKET_MAX, &from, &from_len, &arrival, fallback);
    if (n < 0) {
      if (errno == EINTR || (errno == ECONNREFUSED && ++refused < 4)) continue; /* an ICMP error is consumed; read on */
      return; /* EAGAIN: nothing more */
    }
    process_datagram(l, packet, (int)n, &from, from_len, arrival);
  }
}

/* Without rtcp-mux: every datagram waiting on the RTCP socket (port + 1). */
static void receive_rtcp_socket(leg_t *l) {
  uint8_t packet[PACKET_MAX + SRTP_MAX_TRAILER_LEN];
  int64_t fallback = l->now_us + l->wall_offset_us;
  for (int guard = 0; guard < 64; guard++) {
    struct sockaddr_storage from;
    socklen_t from_len = sizeof from;
    int64_t arrival;
    ssize_t n = read_datagram(l->rtcp_fd, packet, PACKET_MAX, &from, &from_len, &arrival, fallback);
    if (n < 0) {
      if (errno == EINTR || errno == ECONNREFUSED) continue;
      return;
    }
    add(&l->c.datagrams, 1);
    add(&l->c.bytes_received, (uint64_t)n);
    int pt = n >= 2 ? packet[1] & 0x7f : 0;
    if (n < 8 || (packet[0] >> 6) != 2 || pt < 64 || pt > 95) {
      add(&l->c.not_rtp, 1);
      continue;
    }
    rtcp_received(l, &l->rtcp_latch, packet, (int)n, &from, from_len, arrival);
  }
}

/* Keeps what was played, up to the recording's cap. */
static void record(leg_t *l, const int16_t *frame, int n) {
  if (l->recording_len + (size_t)n > l->recording_cap) return;
  memcpy(l->recording + l->recording_len, frame, sizeof(int16_t) * (size_t)n);
  l->recording_len += (size_t)n;
}

/* ---- sound-card audio (see audio_t) ---- */

static uint32_t ring_fill(ring_t *r) {
  return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
}

static uint32_t ring_write(ring_t *r, const int16_t *s, uint32_t n) {
  uint32_t head = r->head, tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
  uint32_t space = RING_SAMPLES - (head - tail);
  if (n > space) n = space;
  for (uint32_t i = 0; i < n; i++) r->data[(head + i) & (RING_SAMPLES - 1)] = s == NULL ? 0 : s[i];
  __atomic_store_n(&r->head, head + n, __ATOMIC_RELEASE);
  return n;
}

static uint32_t ring_read(ring_t *r, int16_t *s, uint32_t n) {
  uint32_t tail = r->tail, head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
  if (n > head - tail) n = head - tail;
  if (s != NULL)
    for (uint32_t i = 0; i < n; i++) s[i] = r->data[(tail + i) & (RING_SAMPLES - 1)];
  __atomic_store_n(&r->tail, tail + n, __ATOMIC_RELEASE);
  return n;
}

/* PortAudio's input callback: the microphone's samples into the ring, nothing else. */
static int capture_callback(const void *input, void *output, unsigned long frames, const PaStreamCallbackTimeInfo *time, PaStreamCallbackFlags flags, void *user) {
  (void)output;
  (void)time;
  (void)flags;
  audio_t *a = (audio_t *)user;
  if (input == NULL) return paContinue;
  uint32_t written = ring_write(a->cap, (const int16_t *)input, (uint32_t)frames);
  if (written < frames) add(&a->capture_overflow, frames - written);
  return paContinue;
}

/* PortAudio's output callback: the speaker's samples from the ring; silence for what is missing. */
static int playback_callback(const void *input, void *output, unsigned long frames, const PaStreamCallbackTimeInfo *time, PaStreamCallbackFlags flags, void *user) {
  (void)input;
  (void)time;
  (void)flags;
  audio_t *a = (audio_t *)user;
  int16_t *out = (int16_t *)output;
  __atomic_store_n(&a->play_running, 1, __ATOMIC_RELEASE);
  uint32_t got = ring_read(a->play, out, (uint32_t)frames);
  if (got < frames) {
    memset(out + got, 0, sizeof(int16_t) * (frames - got));
    add(&a->playback_underrun_samples, frames - got);
  }
  return paContinue;
}

static int16_t gained(int v, float gain) {
  float x = (float)v * gain;
  return (int16_t)(x > 32767.0f ? 32767 : x < -32768.0f ? -32768 : x);
}

/* Level meters over LEVEL_FRAMES periods (RMS, centi-dBFS; -9000 for silence). */
static int32_t level_cdb(double sum, int samples) {
  if (samples <= 0 || sum <= 0) return -9000;
  double db = 10.0 * log10(sum / samples / (32768.0 * 32768.0));
  return (int32_t)(db < -90.0 ? -9000 : db * 100.0);
}

static void meter(audio_t *a, const int16_t *frame, int n, int input) {
  double sum = 0;
  int peak = 0;
  for (int i = 0; i < n; i++) {
    sum += (double)frame[i] * frame[i];
    int m = frame[i] < 0 ? -frame[i] : frame[i];
    if (m > peak) peak = m;
  }
  if (input) {
    a->in_sum += sum;
    if (peak > a->in_peak) a->in_peak = peak;
  } else {
    a->out_sum += sum;
    if (peak > a->out_peak) a->out_peak = peak;
  }
}

/* Once a played frame: every 100 ms, the meters' figures for stats() (centi-dBFS, atomics). */
static void levels_tick(leg_t *l, audio_t *a, int n) {
  int per_ms = pcm_rate(l) / 1000;
  int level_frames = LEVEL_MS * per_ms / n > 0 ? LEVEL_MS * per_ms / n : 1;
  if (++a->level_frames < level_frames) return;
  __atomic_store_n(&a->in_level_cdb, level_cdb(a->in_sum, level_frames * n), __ATOMIC_RELAXED);
  __atomic_store_n(&a->out_level_cdb, level_cdb(a->out_sum, level_frames * n), __ATOMIC_RELAXED);
  __atomic_store_n(&a->in_peak_cdb, level_cdb((double)a->in_peak * a->in_peak, 1), __ATOMIC_RELAXED);
  __atomic_store_n(&a->out_peak_cdb, level_cdb((double)a->out_peak * a->out_peak, 1), __ATOMIC_RELAXED);
  __atomic_store_n(&a->in_clipped, a->in_peak >= 32767, __ATOMIC_RELAXED);
  a->in_sum = a->out_sum = 0;
  a->in_peak = a->out_peak = 0;
  a->level_frames = 0;
}

/* Appends to the speaker reference what went into the speaker's ring (NULL: silence). */
static void far_append(audio_t *a, const int16_t *pcm, int n) {
  for (int i = 0; i < n; i++) a->far_hist[(a->far_queued + (uint64_t)i) & (FAR_HIST - 1)] = pcm == NULL ? 0 : pcm[i];
  a->far_queued += (uint64_t)n;
}

/* Starts the reference over (a new echo path: the streams (re)opened with two periods of silence queued). */
static void far_reset(audio_t *a, int n) {
  a->far_queued = a->near_consumed = 0;
  a->paired = 0;
  far_append(a, NULL, 2 * n);
}

/*
 * The speaker reference for the microphone frame whose first sample is the `near_dev`th the
 * device delivered, `cap_fill_dev` samples having waited in the ring before it was read. The
 * first time both streams run, the offset is fixed from the two rings' fills (the far sample
 * the speaker was given when the frame was captured); device latencies and bursty delivery
 * only make the reference lead the echo, which the canceller's 200 ms tail absorbs. Samples
 * not in the reference (not queued yet, too old) are silence. 0: no pairing yet.
 */
static int far_for(leg_t *l, audio_t *a, uint64_t near_dev, uint32_t cap_fill_dev, int16_t *far, int n) {
  int64_t pr = pcm_rate(l);
  int64_t near_pcm = (int64_t)near_dev * pr / a->rate;
  uint64_t under = get(&a->playback_underrun_samples);
  if (!a->paired) {
    if (a->out == NULL || !__atomic_load_n(&a->play_running, __ATOMIC_ACQUIRE)) return 0;
    int64_t play_fill = (int64_t)ring_fill(a->play) * pr / a->rate;
    int64_t cap_fill = (int64_t)cap_fill_dev * pr / a->rate;
    int64_t far_at = (int64_t)a->far_queued - play_fill - cap_fill;
    if (far_at > (int64_t)a->far_queued - n) far_at = (int64_t)a->far_queued - n; /* never ahead of what was queued */
    a->pair_offset = near_pcm - far_at;
    a->pair_underruns = under;
    a->paired = 1;
  }
  int64_t idx = near_pcm - a->pair_offset - (int64_t)(under - a->pair_underruns) * pr / a->rate;
  for (int i = 0; i < n; i++) {
    int64_t j = idx + i;
    far[i] = j >= 0 && j < (int64_t)a->far_queued && (int64_t)a->far_queued - j <= FAR_HIST ? a->far_hist[(uint64_t)j & (FAR_HIST - 1)] : 0;
  }
  return 1;
}

/* The period's 20 ms of microphone, at 8 kHz, echo-cancelled, gained (before the mute: meters show a muted microphone). */
static void capture_frame(leg_t *l, int16_t *frame, int n) {
  audio_t *a = &l->audio;
  int16_t device[DEVICE_FRAME_MAX];
  uint32_t want = (uint32_t)a->device_frame;
  uint32_t fill = ring_fill(a->cap);
  /* Devices deliver in their own chunks (PulseAudio's monitor: tens of ms), not on our period:
     keep a cushion queued, read one period while there is one, and on an underrun give a period
     of silence and wait for the cushion again (raised by one period, up to four). */
  if (!a->primed && fill >= (uint32_t)a->cushion * want) a->primed = 1;
  if (fill < a->cap_min) a->cap_min = fill;
  if (fill > (uint32_t)a->cushion * want + (uint32_t)(a->rate / 1000) * QUEUE_CAP_MS) { /* a stall, or a burst after one: back to the cushion at once */
    a->near_consumed += ring_read(a->cap, NULL, fill - (uint32_t)a->cushion * want);
    add(&a->capture_dropped, 1);
  }
  uint64_t near_at = a->near_consumed;
  uint32_t waited = ring_fill(a->cap);
  int captured = 0;
  if (a->primed && waited >= want) {
    a->near_consumed += ring_read(a->cap, device, want);
    captured = 1;
  } else {
    memset(device, 0, sizeof(int16_t) * want);
    if (a->primed && a->in != NULL) {
      add(&a->capture_underruns, 1);
      a->primed = 0;
      if (a->cushion < 4) a->cushion++;
    }
  }
  spx_uint32_t in_len = want, out_len = (spx_uint32_t)n;
  speex_resampler_process_int(a->down, 0, device, &in_len, frame, &out_len);
  for (int i = (int)out_len; i < n; i++) frame[i] = 0;
  int16_t far[FRAME_MAX_SAMPLES];
  if (a->aec != NULL && captured && far_for(l, a, near_at, waited, far, n)) {
    int16_t cleaned[FRAME_MAX_SAMPLES];
    speex_echo_cancellation(a->aec, frame, far, cleaned);
    speex_preprocess_run(a->pp, cleaned);
    memcpy(frame, cleaned, sizeof(int16_t) * (size_t)n);
  }
  for (int i = 0; i < n; i++) frame[i] = gained(frame[i], a->in_gain);
  meter(a, frame, n, 1);
}

/* The period's played frame to the speaker: gained, metered, kept as the echo canceller's far end, resampled, queued. */
static void playback_frame(leg_t *l, int16_t *frame, int n) {
  audio_t *a = &l->audio;
  for (int i = 0; i < n; i++) frame[i] = gained(frame[i], a->out_gain);
  meter(a, frame, n, 0);
  int per_ms = pcm_rate(l) / 1000;
  levels_tick(l, a, n);
  uint32_t want = (uint32_t)a->device_frame;
  /* Windows of 2 s; the first ends after 0.5 s, so what the devices' start-up left queued (a
     PulseAudio stream pre-buffers before it plays) is cut before the echo canceller converges. */
  int window = 2000 * per_ms / n; /* periods in 2 s */
  if (++a->drift_ticks >= (a->windows == 0 ? window / 4 : window)) {
    a->windows++;
    if (a->in != NULL && a->primed && a->cap_min != UINT32_MAX && a->cap_min > (uint32_t)(a->cushion + 1) * want) {
      /* the microphone runs faster than our clock: back to the cushion, in one cut */
      ring_read(a->cap, NULL, (a->cap_min / want - (uint32_t)a->cushion) * want);
      add(&a->capture_dropped, 1);
    }
    if (a->out != NULL && a->play_min != UINT32_MAX && a->play_min > 3 * want) /* the speaker runs slower */
      a->play_skip = (int)(a->play_min / want) - 2;
    a->cap_min = a->play_min = UINT32_MAX;
    a->drift_ticks = 0;
  }
  if (a->out == NULL) return;
  if (!__atomic_load_n(&a->play_running, __ATOMIC_ACQUIRE)) return; /* not pulling yet: queueing now would only add delay */
  if (a->play_skip > 0) {
    a->play_skip--;
    add(&a->playback_dropped, 1);
    return;
  }
  int16_t device[DEVICE_FRAME_MAX];
  spx_uint32_t in_len = (spx_uint32_t)n, out_len = (spx_uint32_t)want;
  speex_resampler_process_int(a->up, 0, frame, &in_len, device, &out_len);
  uint32_t fill = ring_fill(a->play);
  if (fill < a->play_min) a->play_min = fill;
  if (fill > 2 * want + (uint32_t)(a->rate / 1000) * QUEUE_CAP_MS) {
    /* The speaker is not pulling (a stall; PulseAudio pre-buffering a new stream): keep the delay
       bounded from the start, so the echo path the canceller learns stays where it is. */
    add(&a->playback_dropped, 1);
    return;
  }
  ring_write(a->play, device, out_len);
  far_append(a, frame, n); /* what the speaker will play: the echo canceller's reference */
}

/* Closes the streams (callbacks stop before Pa_CloseStream returns). */
static void audio_close_streams(audio_t *a) {
  if (a->in != NULL) {
    Pa_AbortStream(a->in);
    Pa_CloseStream(a->in);
    a->in = NULL;
  }
  if (a->out != NULL) {
    Pa_AbortStream(a->out);
    Pa_CloseStream(a->out);
    a->out = NULL;
  }
}

static void audio_free(audio_t *a) {
  audio_close_streams(a);
  if (a->pa_ready) Pa_Terminate(); /* reference-counted: naudiodon's own streams are not affected */
  a->pa_ready = 0;
  if (a->down) speex_resampler_destroy(a->down);
  if (a->up) speex_resampler_destroy(a->up);
  if (a->aec) speex_echo_state_destroy(a->aec);
  if (a->pp) speex_preprocess_state_destroy(a->pp);
  free(a->cap);
  free(a->play);
  memset(a, 0, sizeof *a);
}

/* A device by exact name (NULL: the default one) with input or output channels; paNoDevice if none. */
static PaDeviceIndex find_device(const char *name, int input) {
  if (name == NULL) return input ? Pa_GetDefaultInputDevice() : Pa_GetDefaultOutputDevice();
  int count = Pa_GetDeviceCount();
  for (int i = 0; i < count; i++) {
    const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
    if (d != NULL && strcmp(d->name, name) == 0 && (input ? d->maxInputChannels : d->maxOutputChannels) > 0) return i;
  }
  return paNoDevice;
}

static PaError open_stream(audio_t *a, PaStream **stream, const char *name, int input, char *why, size_t why_size) {
  PaDeviceIndex d = find_device(name, input);
  if (d == paNoDevice) {
    snprintf(why, why_size, "no %s device%s%s", input ? "capture" : "playback", name ? " named " : "", name ? name : "");
    return paInvalidDevice;
  }
  const PaDeviceInfo *info = Pa_GetDeviceInfo(d);
  PaStreamParameters p;
  memset(&p, 0, sizeof p);
  p.device = d;
  p.channelCount = 1;
  p.sampleFormat = paInt16;
  p.suggestedLatency = input ? info->defaultLowInputLatency : info->defaultLowOutputLatency;
  PaError e = Pa_OpenStream(stream, input ? &p : NULL, input ? NULL : &p, a->rate, (unsigned long)(a->device_frame / 2), paNoFlag, input ? capture_callback : playback_callback, a);
  if (e != paNoError) {
    *stream = NULL;
    snprintf(why, why_size, "%s: %s", info->name, Pa_GetErrorText(e));
  }
  return e;
}

/* Sets up a call's sound-card audio; 0, or -1 with `why` (nothing left open). */
static int audio_open(leg_t *l, const char *capture, const char *playback, int use_capture, int use_playback, int rate, int echo_cancellation, char *why, size_t why_size) {
  audio_t *a = &l->audio;
  memset(a, 0, sizeof *a);
  a->rate = rate;
  a->device_frame = (int)((int64_t)rate * l->frame_samples / pcm_rate(l)); /* one period at the device rate */
  a->in_gain = a->out_gain = 1.0f;
  a->in_level_cdb = a->out_level_cdb = a->in_peak_cdb = a->out_peak_cdb = -9000;
  a->cushion = 1;
  a->cap_min = a->play_min = UINT32_MAX;
  int err = 0;
  a->cap = (ring_t *)calloc(1, sizeof(ring_t));
  a->play = (ring_t *)calloc(1, sizeof(ring_t));
  a->down = speex_resampler_init(1, (spx_uint32_t)rate, (spx_uint32_t)pcm_rate(l), 5, &err);
  a->up = a->down == NULL ? NULL : speex_resampler_init(1, (spx_uint32_t)pcm_rate(l), (spx_uint32_t)rate, 5, &err);
  if (a->cap == NULL || a->play == NULL || a->down == NULL || a->up == NULL) {
    snprintf(why, why_size, "out of memory for the audio path");
    audio_free(a);
    return -1;
  }
  if (echo_cancellation) {
    a->aec = speex_echo_state_init(l->frame_samples, pcm_rate(l) / 5); /* a 200 ms tail at the PCM rate (8 or 16 kHz) */
    a->pp = a->aec == NULL ? NULL : speex_preprocess_state_init(l->frame_samples, pcm_rate(l));
    int sr = pcm_rate(l);
    if (a->aec == NULL || a->pp == NULL) {
      snprintf(why, why_size, "the echo canceller could not start");
      audio_free(a);
      return -1;
    }
    speex_echo_ctl(a->aec, SPEEX_ECHO_SET_SAMPLING_RATE, &sr);
    speex_preprocess_ctl(a->pp, SPEEX_PREPROCESS_SET_ECHO_STATE, a->aec);
  }
  PaError e = Pa_Initialize();
  if (e != paNoError) {
    snprintf(why, why_size, "PortAudio: %s", Pa_GetErrorText(e));
    audio_free(a);
    return -1;
  }
  a->pa_ready = 1;
  ring_write(a->play, NULL, 2 * (uint32_t)a->device_frame); /* two periods of silence: a cushion for the speaker's chunks */
  far_reset(a, l->frame_samples);
  if ((use_capture && open_stream(a, &a->in, capture, 1, why, why_size) != paNoError) || (use_playback && open_stream(a, &a->out, playback, 0, why, why_size) != paNoError)) {
    audio_free(a);
    return -1;
  }
  if ((a->in != NULL && (e = Pa_StartStream(a->in)) != paNoError) || (a->out != NULL && (e = Pa_StartStream(a->out)) != paNoError)) {
    snprintf(why, why_size, "PortAudio could not start the stream: %s", Pa_GetErrorText(e));
    audio_free(a);
    return -1;
  }
  a->on = 1;
  return 0;
}

/*
 * Other devices mid-call (the user picked a headset; the old one was unplugged): the streams are
 * closed, the rings emptied, the echo canceller reset (a new echo path) and the new streams
 * opened. Called with the leg's lock held, so the media thread is between periods. 0, or -1
 * with `why` (that side then has no stream; the call goes on).
 */
static int audio_switch(leg_t *l, const char *capture, const char *playback, int use_capture, int use_playback, char *why, size_t why_size) {
  audio_t *a = &l->audio;
  audio_close_streams(a);
  a->cap->head = a->cap->tail = 0;
  a->play->head = a->play->tail = 0;
  ring_write(a->play, NULL, 2 * (uint32_t)a->device_frame);
  a->primed = 0;
  a->cushion = 1;
  a->cap_min = a->play_min = UINT32_MAX;
  a->drift_ticks = a->windows = a->play_skip = 0;
  a->play_running = 0;
  far_reset(a, l->frame_samples);
  a->error_posted = 0;
  if (a->aec != NULL) speex_echo_state_reset(a->aec);
  PaError e = paNoError;
  if ((use_capture && open_stream(a, &a->in, capture, 1, why, why_size) != paNoError) || (use_playback && open_stream(a, &a->out, playback, 0, why, why_size) != paNoError)) {
    audio_close_streams(a);
    return -1;
  }
  if ((a->in != NULL && (e = Pa_StartStream(a->in)) != paNoError) || (a->out != NULL && (e = Pa_StartStream(a->out)) != paNoError)) {
    snprintf(why, why_size, "PortAudio could not start the stream: %s", Pa_GetErrorText(e));
    audio_close_streams(a);
    return -1;
  }
  return 0;
}

/* A stream that stopped by itself (a device unplugged): reported to JS once. */
static void audio_check(leg_t *l) {
  audio_t *a = &l->audio;
  if (a->error_posted) return;
  const char *which = a->in != NULL && Pa_IsStreamActive(a->in) != 1 ? "microphone" : a->out != NULL && Pa_IsStreamActive(a->out) != 1 ? "speaker" : NULL;
  if (which == NULL) return;
  a->error_posted = 1;
  post_event(l, EVENT_AUDIO_ERROR, 0, 0, which);
}

/* A played frame: kept in the recording, and to the speaker when the call has one. */
static void output(leg_t *l, int16_t *frame, int n) {
  record(l, frame, n);
  if (l->audio.on) playback_frame(l, frame, n);
  else {
    /* File audio: the same meters (what the call's screen shows), on what is played. */
    meter(&l->audio, frame, n, 0);
    levels_tick(l, &l->audio, n);
  }
}

/*
 * Playout, once a period: start when `jitter_target` frames are queued; a missing frame with
 * later ones queued is lost (concealed, skipped); a missing frame with nothing queued is late
 * (an underrun: concealed, and waited for, so the queue deepens by one frame - the delay adapts
 * up at once); a queue deeper than the target for 10 s without an underrun drops one frame (the
 * delay adapts back down slowly), and one more than 3 frames deeper drops at once (a fast clock).
 */
static void play_frame(leg_t *l) {
  int16_t frame[FRAME_MAX_SAMPLES];
  int n = l->frame_samples;
  if (!l->receive_enabled) {
    /* We hold, or the stream is inactive: silence, and playout primes again on resume. */
    if (l->playing || l->jb_count > 0) {
      memset(l->jb, 0, sizeof l->jb);
      l->jb_count = 0;
      l->jb_samples = 0;
      l->playing = 0;
    }
    l->pcm_len = 0;
    memset(frame, 0, sizeof(int16_t) * (size_t)n);
    add(&l->c.frames_silent, 1);
    output(l, frame, n);
    return;
  }
  int target = l->jitter_target * n; /* the queue's target depth, samples (periods of our ptime) */
  if (!l->playing && l->jb_samples >= target) {
    /* The peer started first: what queued in the socket before this thread ran would stay as
       delay for the whole call. Keep the newest `jitter_target` periods only. */
    l->playing = 1;
    while (l->jb_count > 0) {
      jb_slot_t *d = &l->jb[l->next_seq & (JB_SLOTS - 1)];
      int present = d->present && d->seq == l->next_seq;
      if (present && l->jb_samples - d->samples < target) break;
      if (present) {
        d->present = 0;
        l->jb_count--;
        l->jb_samples -= d->samples;
        add(&l->c.overflow_dropped, 1);
      }
      l->next_seq++;
    }
  }
  if (l->playing) {
    /* Periods (this ptime) in 10 s: a queue deeper than the target that long drops one packet. */
    int ten_seconds = 10 * pcm_rate(l) / n;
    l->ticks_since_underrun++;
    l->deep_ticks = l->jb_samples > target ? l->deep_ticks + 1 : 0;
    if (l->jb_samples > target + 3 * n || (l->deep_ticks >= ten_seconds && l->ticks_since_underrun >= ten_seconds)) {
      jb_slot_t *d = &l->jb[l->next_seq & (JB_SLOTS - 1)];
      if (d->present && d->seq == l->next_seq) {
        d->present = 0;
        l->jb_count--;
        l->jb_samples -= d->samples;
      }
      l->next_seq++;
      l->deep_ticks = 0;
      add(&l->c.overflow_dropped, 1);
    }
  }
  /* Packets may carry another duration than our period (the peer's ptime is its own): decoded
     samples go through a FIFO, and a period takes what it needs from as many packets as that is. */
  int missing = 0;
  while (l->playing && l->pcm_len < n) {
    jb_slot_t *s = &l->jb[l->next_seq & (JB_SLOTS - 1)];
    if (!(s->present && s->seq == l->next_seq)) {
      missing = 1;
      break;
    }
    if (l->opus) {
      int got = opus_decode(l->dec, s->payload, s->bytes, l->pcm + l->pcm_len, PCM_FIFO - l->pcm_len, 0);
      if (got < 0) got = opus_decode(l->dec, NULL, 0, l->pcm + l->pcm_len, s->samples, 0); /* corrupt behind a valid TOC: conceal its duration */
      l->pcm_len += got > 0 ? got : 0;
    } else if (l->g722) {
      l->pcm_len += mp_g722_decode(&l->g722_dec, l->pcm + l->pcm_len, s->payload, s->bytes);
    } else {
      for (int i = 0; i < s->samples; i++) l->pcm[l->pcm_len + i] = l->alaw ? alaw_to_linear(s->payload[i]) : ulaw_to_linear(s->payload[i]);
      l->pcm_len += s->samples;
    }
    s->present = 0;
    l->jb_count--;
    l->jb_samples -= s->samples;
    l->next_seq++;
    add(&l->c.frames_played, 1);
  }
  if (l->playing && l->pcm_len >= n) {
    memcpy(frame, l->pcm, sizeof(int16_t) * (size_t)n);
    l->pcm_len -= n;
    memmove(l->pcm, l->pcm + n, sizeof(int16_t) * (size_t)l->pcm_len);
    memcpy(l->last_frame, frame, sizeof(int16_t) * (size_t)n);
    l->conceal_run = 0;
  } else {
    if (l->playing && missing) {
      if (l->jb_count > 0) {
        l->next_seq++; /* lost (or reordered beyond the queue): later packets are waiting */
      } else {
        add(&l->c.underruns, 1); /* late: wait for it */
        l->ticks_since_underrun = 0;
      }
    }
    /* What was decoded goes first; the rest of the period is concealed. */
    int have = l->playing ? l->pcm_len : 0;
    memcpy(frame, l->pcm, sizeof(int16_t) * (size_t)have);
    l->pcm_len = 0;
    int per_2_5ms = pcm_rate(l) / 400;
    if (l->playing && l->conceal_run < CONCEAL_FRAMES && l->opus && (n - have) % per_2_5ms == 0 && opus_decode(l->dec, NULL, 0, frame + have, n - have, 0) == n - have) {
      l->conceal_run++; /* Opus's own concealment (RFC 6716 §4.4) */
      add(&l->c.frames_concealed, 1);
    } else if (l->playing && l->conceal_run < CONCEAL_FRAMES && !l->opus) {
      /* G.711 loss: repeat the last frame, 6 dB quieter each time (Appendix I would do better). */
      l->conceal_run++;
      for (int i = have; i < n; i++) frame[i] = l->last_frame[i] = (int16_t)(l->last_frame[i] / 2);
      add(&l->c.frames_concealed, 1);
    } else {
      memset(frame + have, 0, sizeof(int16_t) * (size_t)(n - have));
      add(&l->c.frames_silent, 1);
    }
  }
  output(l, frame, n);
}

/* ---- the send side ---- */

/*
 * RFC 4733 sending (§2.5.1), as the TypeScript TelephoneEventSender: a digit's packets replace
 * the audio of the periods it covers, all with the event's start timestamp and the duration so
 * far, the first with the marker bit; the last has the E bit and goes out three times; then
 * 70 ms of audio before the next digit. Returns 1 when `packet` now holds an event packet.
 */
static int dtmf_packet(leg_t *l, uint8_t *packet, int *length) {
  uint32_t n = ts_step(l); /* a period in timestamp units (the event's clock is the stream's) */
  if (l->dtmf_pt < 0) return 0;
  if (l->dtmf_state == 3) {
    l->dtmf_gap -= (int)n;
    if (l->dtmf_gap > 0) return 0;
    l->dtmf_state = 0;
  }
  if (l->dtmf_state == 0) {
    uint32_t tail = l->dtmf_tail, head = __atomic_load_n(&l->dtmf_head, __ATOMIC_ACQUIRE);
    if (tail == head) return 0;
    l->dtmf_event = l->dtmf_queue[tail & (DTMF_QUEUE - 1)].event;
    l->dtmf_total = l->dtmf_queue[tail & (DTMF_QUEUE - 1)].ticks;
    __atomic_store_n(&l->dtmf_tail, tail + 1, __ATOMIC_RELEASE);
    l->dtmf_start_ts = l->timestamp;
    l->dtmf_done = 0;
    l->dtmf_first = 1;
    l->dtmf_state = 1;
  }
  int end = 0, marker = 0;
  if (l->dtmf_state == 1) {
    uint32_t step = l->dtmf_total - l->dtmf_done < n ? l->dtmf_total - l->dtmf_done : n;
    l->dtmf_done += step;
    marker = l->dtmf_first;
    l->dtmf_first = 0;
    if (l->dtmf_done >= l->dtmf_total) {
      end = 1;
      l->dtmf_state = 2;
      l->dtmf_repeats = 2;
    }
  } else { /* ending: the E packet again */
    end = 1;
    if (--l->dtmf_repeats <= 0) {
      l->dtmf_state = 3;
      l->dtmf_gap = DTMF_GAP_MS * clock_rate(l) / 1000;
    }
  }
  packet[1] = (uint8_t)(l->dtmf_pt | (marker ? 0x80 : 0));
  packet[4] = (uint8_t)(l->dtmf_start_ts >> 24);
  packet[5] = (uint8_t)(l->dtmf_start_ts >> 16);
  packet[6] = (uint8_t)(l->dtmf_start_ts >> 8);
  packet[7] = (uint8_t)l->dtmf_start_ts;
  packet[12] = l->dtmf_event;
  packet[13] = (uint8_t)((end ? 0x80 : 0) | 10); /* volume: -10 dBm0 */
  packet[14] = (uint8_t)(l->dtmf_done >> 8);
  packet[15] = (uint8_t)l->dtmf_done;
  *length = 16;
  return 1;
}

/* `n` samples of the file source at the PCM rate (looped, or silence after its end). */
static void source_frame(leg_t *l, int16_t *pcm, int n) {
  if (l->source_rs == NULL) {
    for (int i = 0; i < n; i++) {
      if (l->loop_source && l->source_pos >= l->source_samples) l->source_pos = 0;
      pcm[i] = l->source_pos < l->source_samples ? l->source[l->source_pos++] : 0;
    }
    return;
  }
  static const int16_t silence[FRAME_MAX_SAMPLES * 6];
  int done = 0;
  for (int guard = 0; done < n && guard < 8; guard++) {
    if (l->loop_source && l->source_pos >= l->source_samples) l->source_pos = 0;
    size_t left = l->source_samples - (l->source_pos < l->source_samples ? l->source_pos : l->source_samples);
    /* Enough input for what is missing (and one more), from the file or silence after its end. */
    spx_uint32_t want_in = (spx_uint32_t)(((int64_t)(n - done) * l->source_rate + pcm_rate(l) - 1) / pcm_rate(l)) + 1;
    const int16_t *in = left > 0 ? l->source + l->source_pos : silence;
    spx_uint32_t in_len = left > 0 ? (want_in < left ? want_in : (spx_uint32_t)left) : (want_in < sizeof silence / 2 ? want_in : (spx_uint32_t)(sizeof silence / 2));
    spx_uint32_t out_len = (spx_uint32_t)(n - done);
    speex_resampler_process_int(l->source_rs, 0, in, &in_len, pcm + done, &out_len);
    if (left > 0) l->source_pos += in_len;
    done += (int)out_len;
  }
  for (int i = done; i < n; i++) pcm[i] = 0;
}

static void send_frame(leg_t *l) {
  uint8_t packet[12 + PAYLOAD_MAX + SRTP_MAX_TRAILER_LEN];
  int n = l->frame_samples;
  int16_t pcm[FRAME_MAX_SAMPLES];
  if (l->audio.on) capture_frame(l, pcm, n); /* every period: the microphone's ring never backs up */
  if (!l->send_enabled) {
    /* Not sending (we hold, or the peer holds us): the microphone and the RTP clock run on, so
       the next packet shows the gap in its timestamp and carries the marker bit (RFC 3551 §4.1). */
    size_t step = l->source_rs == NULL ? (size_t)n : (size_t)((int64_t)n * l->source_rate / pcm_rate(l)); /* in the source's own samples */
    if (l->loop_source && l->source_samples > 0) l->source_pos = (l->source_pos + step) % l->source_samples;
    else l->source_pos = l->source_pos + step < l->source_samples ? l->source_pos + step : l->source_samples;
    l->timestamp += ts_step(l);
    l->marker_sent = 0;
    return;
  }
  if (!l->audio.on) {
    source_frame(l, pcm, n);
    meter(&l->audio, pcm, n, 1); /* before the mute, as the microphone's */
  }
  if (l->muted) memset(pcm, 0, sizeof(int16_t) * (size_t)n);
  packet[0] = 0x80;
  packet[1] = (uint8_t)(l->payload_type | (l->marker_sent ? 0 : 0x80));
  l->marker_sent = 1;
  packet[2] = (uint8_t)(l->seq >> 8);
  packet[3] = (uint8_t)l->seq;
  packet[4] = (uint8_t)(l->timestamp >> 24);
  packet[5] = (uint8_t)(l->timestamp >> 16);
  packet[6] = (uint8_t)(l->timestamp >> 8);
  packet[7] = (uint8_t)l->timestamp;
  packet[8] = (uint8_t)(l->ssrc >> 24);
  packet[9] = (uint8_t)(l->ssrc >> 16);
  packet[10] = (uint8_t)(l->ssrc >> 8);
  packet[11] = (uint8_t)l->ssrc;
  int length = 12 + n;
  if (l->opus) {
    int bytes = opus_encode(l->enc, pcm, n, packet + 12, PAYLOAD_MAX);
    if (bytes < 0) {
      add(&l->c.send_errors, 1);
      bytes = 0;
    }
    length = 12 + bytes;
  } else if (l->g722) {
    length = 12 + mp_g722_encode(&l->g722_enc, packet + 12, pcm, n);
  } else {
    for (int i = 0; i < n; i++) packet[12 + i] = l->alaw ? linear_to_alaw(pcm[i]) : linear_to_ulaw(pcm[i]);
  }
  if (dtmf_packet(l, packet, &length)) add(&l->c.dtmf_sent, 1);
  l->seq++;
  l->timestamp += ts_step(l);
  if (length <= 12) return; /* the encoder failed (counted): nothing to send this period */
  if (!l->latch.target.set) return; /* the peer's SDP gave no usable address (0.0.0.0 hold): nowhere to send */
  int payload_octets = length - 12;
  uint32_t packet_ts = ((uint32_t)packet[4] << 24) | ((uint32_t)packet[5] << 16) | ((uint32_t)packet[6] << 8) | packet[7];
  if (l->srtp_send_pending != NULL && l->now_us >= l->send_pending_deadline_us) commit_pending_send(l);
  if (l->srtp_on && srtp_protect(l->srtp_send, packet, &length) != srtp_err_status_ok) {
    add(&l->c.send_errors, 1);
    return;
  }
  ssize_t sent = l->connected ? send(l->fd, packet, (size_t)length, MSG_DONTWAIT)
                              : sendto(l->fd, packet, (size_t)length, MSG_DONTWAIT, (struct sockaddr *)&l->latch.target.addr, l->latch.target.len);
  if (sent < 0) {
    add(&l->c.send_errors, 1);
    return;
  }
  add(&l->c.packets_sent, 1);
  /* For our SR (RtpSenderState): payload octets, and the last timestamp sent and when. */
  l->octets_sent += (uint64_t)payload_octets;
  l->last_sent_ts = packet_ts;
  l->last_sent_wall_us = l->now_us + l->wall_offset_us;
  l->has_sent = 1;
}

/* xorshift32: the report interval's randomisation (RFC 3550 §6.3.1), seeded by JS. */
static uint32_t next_random(leg_t *l) {
  uint32_t x = l->rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return l->rng_state = x;
}

/* The nominal interval times uniform [0.5, 1.5] (RtcpReporter.nextIntervalMs). */
static int64_t report_interval_us(leg_t *l) {
  return (int64_t)((double)l->report_interval_us * (0.5 + (double)next_random(l) / 4294967296.0));
}

/*
 * A compound report (RtcpReporter.buildReport): SR when we sent since the last report, else RR;
 * a report block about the peer's source once it is valid; SDES CNAME. With `bye`: RR + SDES +
 * BYE "call ended" (buildBye). SRTCP-protected; sent where the peer's RTCP comes from.
 */
static void send_report(leg_t *l, int bye, int64_t wall_us) {
  uint8_t packet[RTCP_PACKET_MAX + SRTP_MAX_TRAILER_LEN + 4];
  uint8_t block[RTCP_REPORT_BLOCK_SIZE];
  int blocks = !bye && l->rx_active && rtcp_rx_report_block(&l->rx, wall_us, block);
  uint64_t packets = get(&l->c.packets_sent);
  int sr = !bye && l->has_sent && packets != l->sent_at_last_report;
  if (!bye) l->sent_at_last_report = packets;
  rtcp_sender_info_t info;
  if (sr) {
    info.ntp = rtcp_ntp_from_unix_ms((double)wall_us / 1000.0);
    info.rtp_ts = l->last_sent_ts + (uint32_t)(int64_t)floor((double)(wall_us - l->last_sent_wall_us) * clock_rate(l) / 1e6 + 0.5);
    info.packets = (uint32_t)packets;
    info.octets = (uint32_t)l->octets_sent;
  }
  static const char reason[] = "call ended";
  size_t n = rtcp_build_ex(packet, RTCP_PACKET_MAX, l->ssrc, sr ? &info : NULL, block, blocks, l->cname, bye, bye ? (const uint8_t *)reason : NULL, bye ? sizeof reason - 1 : 0);
  if (n == 0) {
    add(&l->c.send_errors, 1);
    return;
  }
  int length = (int)n;
  if (l->srtp_on && srtp_protect_rtcp(l->srtp_send, packet, &length) != srtp_err_status_ok) {
    add(&l->c.send_errors, 1);
    return;
  }
  ssize_t sent;
  if (l->rtcp_mux || l->rtcp_fd < 0) {
    if (!l->latch.target.set) return;
    sent = l->connected ? send(l->fd, packet, (size_t)length, MSG_DONTWAIT)
                        : sendto(l->fd, packet, (size_t)length, MSG_DONTWAIT, (struct sockaddr *)&l->latch.target.addr, l->latch.target.len);
  } else {
    if (!l->rtcp_latch.target.set) return;
    sent = sendto(l->rtcp_fd, packet, (size_t)length, MSG_DONTWAIT, (struct sockaddr *)&l->rtcp_latch.target.addr, l->rtcp_latch.target.len);
  }
  if (sent < 0) add(&l->c.send_errors, 1);
  else add(&l->c.rtcp_sent, 1);
}

static void *leg_thread(void *arg) {
  leg_t *l = (leg_t *)arg;
  struct timespec next, now;
  clock_gettime(CLOCK_MONOTONIC, &next);
  /* The first frame is the 20 ms captured from now on: capture sample 0 is "now". */
  l->capture_start_epoch_ms = epoch_ms();
  l->wall_offset_us = (int64_t)(l->capture_start_epoch_ms * 1000.0) - ((int64_t)next.tv_sec * 1000000 + next.tv_nsec / 1000);
  /* The first report after half an interval (RFC 3550 §6.2), as RtcpSession. */
  l->next_report_us = ((int64_t)next.tv_sec * 1000000 + next.tv_nsec / 1000) + report_interval_us(l) / 2;
  add_ns(&next, l->period_ns);
  int first = 1;
  while (l->running) {
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {
    }
    if (!l->running) break;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t late = diff_us(&now, &next);
    add(&l->c.wakeups, 1);
    if (late > 5000) add(&l->c.late_wakeups, 1);
    if (late > 0 && (uint64_t)late > get(&l->c.max_lateness_us)) __atomic_store_n(&l->c.max_lateness_us, (uint64_t)late, __ATOMIC_RELAXED);
    pthread_mutex_lock(&l->lock);
    l->now_us = (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
    if (l->audio.on && get(&l->c.wakeups) % 50 == 0) audio_check(l);
    receive_all(l);
    if (l->rtcp_fd >= 0) receive_rtcp_socket(l);
    /* A connected socket hears the latched source only: open it again once that source fell
       quiet (checked every period, sending or not), so a NAT rebinding can be followed. */
    if (l->connected && l->now_us - l->latch.last_from_target_us > (l->srtp_on ? SRTP_RELATCH_AFTER_US : RELATCH_AFTER_US)) disconnect_socket(l);
    send_frame(l);
    if (first) {
      /* As the TypeScript clock-paced streams report it: playback "starts" one period before
         its first frame is pulled, and a frame is heard from the moment it is pulled. */
      l->playback_start_epoch_ms = epoch_ms() - l->period_ns / 1e6;
      first = 0;
    }
    play_frame(l);
    if (l->now_us >= l->next_report_us) {
      send_report(l, 0, l->now_us + l->wall_offset_us);
      l->next_report_us = l->now_us + report_interval_us(l);
    }
    pthread_mutex_unlock(&l->lock);
    add_ns(&next, l->period_ns);
    /* Asleep far too long (a suspended laptop): pace from now instead of catching up in a burst. */
    if (late > 200000) {
      clock_gettime(CLOCK_MONOTONIC, &next);
      add_ns(&next, l->period_ns);
    }
  }
  return NULL;
}

/* ---- Node-API ---- */

#define CHECK(env, call)                                                  \
  do {                                                                    \
    if ((call) != napi_ok) {                                              \
      napi_throw_error((env), "MEDIA_PATH_NAPI", "Node-API call failed: " #call); \
      return NULL;                                                        \
    }                                                                     \
  } while (0)

static napi_value throw_error(napi_env env, const char *code, const char *message) {
  napi_throw_error(env, code, message);
  return NULL;
}

static int get_int(napi_env env, napi_value obj, const char *name, int64_t *out) {
  napi_value v;
  bool has = false;
  if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return 0;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return 0;
  return napi_get_value_int64(env, v, out) == napi_ok;
}

static int get_string(napi_env env, napi_value obj, const char *name, char *buf, size_t size) {
  napi_value v;
  bool has = false;
  size_t len = 0;
  if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return 0;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return 0;
  return napi_get_value_string_utf8(env, v, buf, size, &len) == napi_ok && len > 0 && len < size - 1;
}

/** A Buffer/Uint8Array/Int16Array property: its bytes (borrowed until the call returns). */
static int get_bytes(napi_env env, napi_value obj, const char *name, void **data, size_t *bytes) {
  napi_value v;
  bool has = false, is_typed = false;
  if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return 0;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return 0;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return 0;
  napi_typedarray_type type;
  size_t length;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, &length, data, &ab, &offset) != napi_ok) return 0;
  size_t unit = type == napi_int16_array || type == napi_uint16_array ? 2 : type == napi_uint8_array || type == napi_int8_array || type == napi_uint8_clamped_array ? 1 : 0;
  if (unit == 0) return 0;
  *bytes = length * unit;
  return 1;
}

static void leg_stop(leg_t *l) {
  if (l->thread_started) {
    l->running = 0;
    pthread_join(l->thread, NULL);
    l->thread_started = 0;
    /* RFC 3550 §6.6: BYE when leaving (the thread is joined: nothing else touches the leg). */
    if (!l->bye_sent) {
      l->bye_sent = 1;
      struct timespec t;
      clock_gettime(CLOCK_REALTIME, &t);
      send_report(l, 1, (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000);
    }
  }
}

static void event_call_js(napi_env env, napi_value js_cb, void *context, void *data);

static void dealloc_contexts(leg_t *l) {
  srtp_t *all[] = {&l->srtp_send, &l->srtp_recv, &l->srtp_recv_prev, &l->srtp_send_pending};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    if (*all[i] != NULL) srtp_dealloc(*all[i]);
    *all[i] = NULL;
  }
}

static void leg_close(leg_t *l) {
  if (l->closed) return;
  leg_stop(l);
  l->closed = 1;
  audio_free(&l->audio);
  if (l->enc != NULL) opus_encoder_destroy(l->enc);
  if (l->dec != NULL) opus_decoder_destroy(l->dec);
  l->enc = NULL;
  l->dec = NULL;
  if (l->on_event != NULL) napi_release_threadsafe_function(l->on_event, napi_tsfn_abort);
  l->on_event = NULL;
  if (l->fd >= 0) close(l->fd);
  if (l->rtcp_fd >= 0) close(l->rtcp_fd);
  l->fd = l->rtcp_fd = -1;
  dealloc_contexts(l);
  free(l->source);
  l->source = NULL;
  if (l->source_rs != NULL) speex_resampler_destroy(l->source_rs);
  l->source_rs = NULL;
  free(l->recording);
  l->recording = NULL;
}

static void leg_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  leg_t *l = (leg_t *)data;
  leg_close(l);
  if (l->lock_ready) pthread_mutex_destroy(&l->lock);
  free(l);
}

static leg_t *get_leg(napi_env env, napi_value v) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, "MEDIA_PATH_HANDLE", "not a media path leg");
    return NULL;
  }
  leg_t *l = (leg_t *)data;
  if (l->closed) {
    napi_throw_error(env, "MEDIA_PATH_CLOSED", "the media path leg is closed");
    return NULL;
  }
  return l;
}

static int srtp_library_ready(void) {
  pthread_mutex_lock(&srtp_init_lock);
  if (!srtp_ready) srtp_ready = srtp_init() == srtp_err_status_ok;
  pthread_mutex_unlock(&srtp_init_lock);
  return srtp_ready;
}

/* The SDES inline key-salt length of a suite (RFC 4568 §6.2, RFC 6188 §7): 0 for one we do not run. */
static size_t suite_key_len(const char *suite) {
  if (strcmp(suite, "AES_CM_128_HMAC_SHA1_80") == 0 || strcmp(suite, "AES_CM_128_HMAC_SHA1_32") == 0) return SRTP_MASTER_KEY_LEN;
  if (strcmp(suite, "AES_256_CM_HMAC_SHA1_80") == 0 || strcmp(suite, "AES_256_CM_HMAC_SHA1_32") == 0) return 46; /* 32-octet key, 14-octet salt */
  return 0;
}

static int srtp_session(srtp_t *out, const char *suite, const uint8_t *key, int inbound, unsigned long window) {
  srtp_policy_t p;
  memset(&p, 0, sizeof p);
  if (strcmp(suite, "AES_256_CM_HMAC_SHA1_80") == 0) { /* RFC 6188: libsrtp2's own AES-256-ICM */
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p.rtp);
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p.rtcp);
  } else if (strcmp(suite, "AES_256_CM_HMAC_SHA1_32") == 0) {
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&p.rtp);
    srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p.rtcp); /* SRTCP keeps the 80-bit tag */
  } else if (strcmp(suite, "AES_CM_128_HMAC_SHA1_80") == 0) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
  } else if (strcmp(suite, "AES_CM_128_HMAC_SHA1_32") == 0) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp); /* RFC 4568 §6.2.2: SRTCP keeps the 80-bit tag */
  } else {
    return -1;
  }
  p.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
  p.key = (unsigned char *)key;
  p.window_size = window < 64 ? 64 : window > 0x7fff ? 0x7fff : window;
  p.allow_repeat_tx = 0;
  return srtp_create(out, &p) == srtp_err_status_ok ? 0 : -1;
}

static void set_port(struct sockaddr_storage *a, int port) {
  if (a->ss_family == AF_INET6) ((struct sockaddr_in6 *)a)->sin6_port = htons((uint16_t)port);
  else ((struct sockaddr_in *)a)->sin_port = htons((uint16_t)port);
}

static int get_port(int fd) {
  struct sockaddr_storage a;
  socklen_t len = sizeof a;
  if (getsockname(fd, (struct sockaddr *)&a, &len) != 0) return -1;
  return a.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&a)->sin6_port) : ntohs(((struct sockaddr_in *)&a)->sin_port);
}

static int bound_socket(const struct sockaddr_storage *a, socklen_t len) {
  int fd = socket(a->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (bind(fd, (const struct sockaddr *)a, len) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  int on = 1; /* kernel arrival times for the jitter estimate (RFC 3550 A.8) */
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  return fd;
}

/*
 * The RTP socket bound to `local` and, with `pair`, the RTCP socket on the next port (RFC 3550
 * §11: RTP on an even port, RTCP one above; used when the peer does not multiplex). Port 0 means
 * any free port, but bound by number: Linux forgets a port the kernel picked when the socket is
 * disconnected (connect AF_UNSPEC, which the latch does when the peer falls quiet), so a free
 * port is probed first and then bound explicitly. Returns 0, or -1 with errno.
 */
static int bind_sockets(const struct sockaddr_storage *local, socklen_t local_len, int pair, int *rtp_fd, int *rtcp_fd) {
  int port = local->ss_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)local)->sin6_port) : ntohs(((const struct sockaddr_in *)local)->sin_port);
  *rtp_fd = *rtcp_fd = -1;
  for (int attempt = 0; attempt < 32; attempt++) {
    struct sockaddr_storage a = *local;
    int p = port;
    if (p == 0) {
      int probe = socket(a.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      p = probe < 0 || bind(probe, (struct sockaddr *)&a, local_len) != 0 ? -1 : get_port(probe);
      if (probe >= 0) close(probe);
      if (p <= 0) return -1;
      if (pair && (p & 1)) p--;
      if (pair && p >= 65535) continue;
    }
    set_port(&a, p);
    *rtp_fd = bound_socket(&a, local_len);
    if (*rtp_fd >= 0 && pair) {
      set_port(&a, p + 1);
      *rtcp_fd = bound_socket(&a, local_len);
      if (*rtcp_fd < 0) {
        int e = errno;
        close(*rtp_fd);
        *rtp_fd = -1;
        errno = e;
      }
    }
    if (*rtp_fd >= 0) return 0;
    if (port != 0 || errno != EADDRINUSE) return -1; /* another socket took the probed port: try again */
  }
  return -1;
}

/**
 * open({ address, port, rtcpSocket }) → a leg handle with its socket bound (port 0: any free
 * port, see localPort()); with rtcpSocket, an RTCP socket on the next port too (closed at start
 * when rtcp-mux is agreed).
 */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return throw_error(env, "MEDIA_PATH_ARGS", "open(options) needs its options");
  char address[64];
  int64_t port = 0;
  bool pair = false;
  napi_value v;
  bool has = false;
  if (!get_string(env, argv[0], "address", address, sizeof address)) return throw_error(env, "MEDIA_PATH_ARGS", "address: a numeric IPv4 or IPv6 address");
  get_int(env, argv[0], "port", &port);
  if (napi_has_named_property(env, argv[0], "rtcpSocket", &has) == napi_ok && has && napi_get_named_property(env, argv[0], "rtcpSocket", &v) == napi_ok) napi_get_value_bool(env, v, &pair);
  if (port < 0 || port > 65535) return throw_error(env, "MEDIA_PATH_ARGS", "port out of range");
  struct sockaddr_storage local;
  socklen_t local_len;
  if (parse_address(address, (int)port, &local, &local_len) != 0) return throw_error(env, "MEDIA_PATH_ARGS", "address: not a numeric IPv4 or IPv6 address");
  leg_t *l = (leg_t *)calloc(1, sizeof(leg_t));
  if (l == NULL) return throw_error(env, "MEDIA_PATH_MEMORY", "out of memory");
  l->lock_ready = pthread_mutex_init(&l->lock, NULL) == 0;
  if (!l->lock_ready) {
    free(l);
    return throw_error(env, "MEDIA_PATH_THREAD", "could not create the leg's lock");
  }
  l->rtcp_fd = -1;
  if (bind_sockets(&local, local_len, pair, &l->fd, &l->rtcp_fd) != 0) {
    int e = errno;
    leg_close(l);
    pthread_mutex_destroy(&l->lock);
    free(l);
    return throw_error(env, "MEDIA_PATH_SOCKET", strerror(e));
  }
  napi_value handle;
  if (napi_create_external(env, l, leg_finalize, NULL, &handle) != napi_ok) {
    leg_close(l);
    pthread_mutex_destroy(&l->lock);
    free(l);
    return throw_error(env, "MEDIA_PATH_NAPI", "could not create the handle");
  }
  return handle;
}

static napi_value js_local_port(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  leg_t *l = argc < 1 ? NULL : get_leg(env, argv[0]);
  if (l == NULL) return NULL;
  struct sockaddr_storage a;
  socklen_t len = sizeof a;
  if (getsockname(l->fd, (struct sockaddr *)&a, &len) != 0) return throw_error(env, "MEDIA_PATH_SOCKET", strerror(errno));
  int port = a.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&a)->sin6_port) : ntohs(((struct sockaddr_in *)&a)->sin_port);
  CHECK(env, napi_create_int32(env, port, &out));
  return out;
}

/**
 * start(leg, { remoteAddress, remotePort, codec: 'PCMU'|'PCMA', payloadType, frameSamples, ssrc,
 *              sequence, timestamp, srtp?: { suite, sendKey: Uint8Array(30), receiveKey:
 *              Uint8Array(30), replayWindow }, source?: Int16Array (8 kHz), recordSeconds,
 *              jitterFrames })
 * connects the socket to the peer, sets up the stream and starts the media thread. The keys are
 * copied into libsrtp2's contexts; nothing here keeps or returns them.
 */
static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  leg_t *l = argc < 2 ? NULL : get_leg(env, argv[0]);
  if (l == NULL) return argc < 2 ? throw_error(env, "MEDIA_PATH_ARGS", "start(leg, stream)") : NULL;
  if (l->thread_started || l->srtp_send != NULL || l->source != NULL || l->recording != NULL) return throw_error(env, "MEDIA_PATH_STATE", "already started");
  napi_value o = argv[1];
  char address[64], codec[8], suite[40];
  int64_t remote_port = 0, pt = -1, frame = 160, ssrc = 0, seq = 0, ts = 0, record_s = 0, jitter = 2, window = 128;
  if (!get_string(env, o, "remoteAddress", address, sizeof address)) return throw_error(env, "MEDIA_PATH_ARGS", "remoteAddress: a numeric IPv4 or IPv6 address");
  if (!get_string(env, o, "codec", codec, sizeof codec) || (strcmp(codec, "PCMU") != 0 && strcmp(codec, "PCMA") != 0 && strcmp(codec, "opus") != 0 && strcmp(codec, "G722") != 0))
    return throw_error(env, "MEDIA_PATH_ARGS", "codec: PCMU, PCMA, G722 or opus");
  int is_opus = strcmp(codec, "opus") == 0;
  int is_g722 = strcmp(codec, "G722") == 0;
  int rate_pcm = is_opus || is_g722 ? 16000 : 8000;
  get_int(env, o, "remotePort", &remote_port);
  get_int(env, o, "payloadType", &pt);
  get_int(env, o, "frameSamples", &frame);
  get_int(env, o, "ssrc", &ssrc);
  get_int(env, o, "sequence", &seq);
  get_int(env, o, "timestamp", &ts);
  get_int(env, o, "recordSeconds", &record_s);
  get_int(env, o, "jitterFrames", &jitter);
  if (remote_port <= 0 || remote_port > 65535 || pt < 0 || pt > 127 || frame < rate_pcm / 100 || frame > rate_pcm * 6 / 100 || frame % (rate_pcm / 100) != 0 || record_s < 0 || record_s > 3600 || jitter < 1 || jitter > 8)
    return throw_error(env, "MEDIA_PATH_ARGS", "remotePort, payloadType, frameSamples (10-60 ms at the codec's PCM rate, whole 10 ms), recordSeconds (0-3600) or jitterFrames (1-8) out of range");
  struct sockaddr_storage remote, remote_rtcp;
  socklen_t remote_len, remote_rtcp_len = 0;
  if (parse_address(address, (int)remote_port, &remote, &remote_len) != 0) return throw_error(env, "MEDIA_PATH_ARGS", "remoteAddress is not numeric"); /* checked before anything is set up */
  bool mux = true;
  napi_value mux_v;
  bool has_mux = false;
  if (napi_has_named_property(env, o, "rtcpMux", &has_mux) == napi_ok && has_mux && napi_get_named_property(env, o, "rtcpMux", &mux_v) == napi_ok) napi_get_value_bool(env, mux_v, &mux);
  if (!mux) {
    char rtcp_address[64];
    int64_t rtcp_port = remote_port + 1;
    get_int(env, o, "remoteRtcpPort", &rtcp_port);
    if (!get_string(env, o, "remoteRtcpAddress", rtcp_address, sizeof rtcp_address)) snprintf(rtcp_address, sizeof rtcp_address, "%s", address);
    if (l->rtcp_fd < 0) return throw_error(env, "MEDIA_PATH_STATE", "no rtcp-mux, but the leg was opened without an RTCP socket (open: rtcpSocket)");
    if (rtcp_port <= 0 || rtcp_port > 65535 || parse_address(rtcp_address, (int)rtcp_port, &remote_rtcp, &remote_rtcp_len) != 0)
      return throw_error(env, "MEDIA_PATH_ARGS", "remoteRtcpAddress / remoteRtcpPort: numeric, in range");
  }
  char cname[sizeof l->cname];
  if (!get_string(env, o, "cname", cname, sizeof cname)) snprintf(cname, sizeof cname, "%08x@softphone", (unsigned)ssrc);
  int64_t seed = 0, interval_ms = RTCP_INTERVAL_US / 1000;
  get_int(env, o, "seed", &seed);
  get_int(env, o, "rtcpIntervalMs", &interval_ms);
  if (interval_ms < 100 || interval_ms > 60000) return throw_error(env, "MEDIA_PATH_ARGS", "rtcpIntervalMs: 100-60000");

  l->alaw = strcmp(codec, "PCMA") == 0;
  l->opus = is_opus;
  l->g722 = is_g722;
  l->pcm_rate = rate_pcm;
  l->clock_rate = is_opus ? 48000 : 8000;
  if (is_g722) {
    mp_g722_encoder_reset(&l->g722_enc);
    mp_g722_decoder_reset(&l->g722_dec);
  }
  if (is_opus) {
    /* As the TypeScript OpusCodec: VoIP, 32 kbit/s, complexity 8, in-band FEC for 5 % loss; wideband. */
    int e1 = 0, e2 = 0;
    l->enc = opus_encoder_create(rate_pcm, 1, OPUS_APPLICATION_VOIP, &e1);
    l->dec = opus_decoder_create(rate_pcm, 1, &e2);
    if (l->enc == NULL || l->dec == NULL) return throw_error(env, "MEDIA_PATH_CODEC", "libopus could not create the encoder or decoder");
    opus_encoder_ctl(l->enc, OPUS_SET_BITRATE(32000));
    opus_encoder_ctl(l->enc, OPUS_SET_COMPLEXITY(8));
    opus_encoder_ctl(l->enc, OPUS_SET_INBAND_FEC(1));
    opus_encoder_ctl(l->enc, OPUS_SET_PACKET_LOSS_PERC(5));
    opus_encoder_ctl(l->enc, OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_WIDEBAND));
  }
  l->payload_type = (int)pt;
  l->frame_samples = (int)frame;
  l->period_ns = (int)(frame * 1000000000LL / pcm_rate(l));
  l->ssrc = (uint32_t)ssrc;
  l->seq = (uint16_t)seq;
  l->timestamp = (uint32_t)ts;
  l->jitter_target = (int)jitter;
  int64_t dtmf_pt = -1;
  get_int(env, o, "dtmfPayloadType", &dtmf_pt);
  l->dtmf_pt = dtmf_pt >= 96 && dtmf_pt <= 127 && dtmf_pt != pt ? (int)dtmf_pt : -1;
  napi_value on_event;
  bool has_cb = false;
  napi_valuetype cb_type = napi_undefined;
  if (napi_has_named_property(env, o, "onEvent", &has_cb) == napi_ok && has_cb && napi_get_named_property(env, o, "onEvent", &on_event) == napi_ok) napi_typeof(env, on_event, &cb_type);
  if (cb_type == napi_function) {
    napi_value name;
    CHECK(env, napi_create_string_utf8(env, "media-path-events", NAPI_AUTO_LENGTH, &name));
    CHECK(env, napi_create_threadsafe_function(env, on_event, NULL, name, 64, 1, NULL, NULL, NULL, event_call_js, &l->on_event));
    CHECK(env, napi_unref_threadsafe_function(env, l->on_event)); /* a call does not keep the process alive */
  }

  napi_value srtp_obj;
  bool has_srtp = false;
  napi_valuetype srtp_type = napi_undefined;
  if (napi_has_named_property(env, o, "srtp", &has_srtp) == napi_ok && has_srtp && napi_get_named_property(env, o, "srtp", &srtp_obj) == napi_ok)
    napi_typeof(env, srtp_obj, &srtp_type);
  if (srtp_type == napi_object) {
    void *send_key = NULL, *recv_key = NULL;
    size_t send_len = 0, recv_len = 0;
    if (!get_string(env, srtp_obj, "suite", suite, sizeof suite) || !get_bytes(env, srtp_obj, "sendKey", &send_key, &send_len) || !get_bytes(env, srtp_obj, "receiveKey", &recv_key, &recv_len) ||
        suite_key_len(suite) == 0 || send_len != suite_key_len(suite) || recv_len != suite_key_len(suite))
      return throw_error(env, "MEDIA_PATH_ARGS", "srtp: suite (AES_CM_128_HMAC_SHA1_80/32, AES_256_CM_HMAC_SHA1_80/32), sendKey and receiveKey (master key then salt: 30 octets, 46 for AES-256)");
    get_int(env, srtp_obj, "replayWindow", &window);
    if (!srtp_library_ready() || srtp_session(&l->srtp_send, suite, (const uint8_t *)send_key, 0, (unsigned long)window) != 0 ||
        srtp_session(&l->srtp_recv, suite, (const uint8_t *)recv_key, 1, (unsigned long)window) != 0) {
      if (l->srtp_send) srtp_dealloc(l->srtp_send);
      if (l->srtp_recv) srtp_dealloc(l->srtp_recv);
      l->srtp_send = l->srtp_recv = NULL;
      return throw_error(env, "MEDIA_PATH_SRTP", "libsrtp2 refused the suite or keys");
    }
    l->srtp_on = 1;
  }

  void *source = NULL;
  size_t source_bytes = 0;
  if (get_bytes(env, o, "source", &source, &source_bytes) && source_bytes >= 2) {
    l->source = (int16_t *)malloc(source_bytes);
    if (l->source == NULL) return throw_error(env, "MEDIA_PATH_MEMORY", "out of memory");
    memcpy(l->source, source, source_bytes);
    l->source_samples = source_bytes / 2;
    napi_value loop_v;
    bool has_loop = false, loop = false;
    if (napi_has_named_property(env, o, "loopSource", &has_loop) == napi_ok && has_loop && napi_get_named_property(env, o, "loopSource", &loop_v) == napi_ok) napi_get_value_bool(env, loop_v, &loop);
    l->loop_source = loop ? 1 : 0;
    int64_t source_rate = pcm_rate(l);
    get_int(env, o, "sourceRate", &source_rate);
    if (source_rate < 8000 || source_rate > 96000) return throw_error(env, "MEDIA_PATH_ARGS", "sourceRate: 8000-96000 Hz");
    l->source_rate = (int)source_rate;
    if (source_rate != pcm_rate(l)) {
      int rs_err = 0;
      l->source_rs = speex_resampler_init(1, (spx_uint32_t)source_rate, (spx_uint32_t)pcm_rate(l), 5, &rs_err);
      if (l->source_rs == NULL) return throw_error(env, "MEDIA_PATH_MEMORY", "out of memory");
      speex_resampler_skip_zeros(l->source_rs);
    }
  }
  napi_value audio_obj;
  bool has_audio = false;
  napi_valuetype audio_type = napi_undefined;
  if (napi_has_named_property(env, o, "audio", &has_audio) == napi_ok && has_audio && napi_get_named_property(env, o, "audio", &audio_obj) == napi_ok) napi_typeof(env, audio_obj, &audio_type);
  if (audio_type == napi_object) {
    /* Sound cards: capture/playback device names (absent: the default), or none of either. */
    char capture[256], playback[256], why[320];
    int have_capture = get_string(env, audio_obj, "capture", capture, sizeof capture);
    int have_playback = get_string(env, audio_obj, "playback", playback, sizeof playback);
    bool no_capture = false, no_playback = false, aec = true;
    napi_value b;
    bool has = false;
    if (napi_has_named_property(env, audio_obj, "noCapture", &has) == napi_ok && has && napi_get_named_property(env, audio_obj, "noCapture", &b) == napi_ok) napi_get_value_bool(env, b, &no_capture);
    if (napi_has_named_property(env, audio_obj, "noPlayback", &has) == napi_ok && has && napi_get_named_property(env, audio_obj, "noPlayback", &b) == napi_ok) napi_get_value_bool(env, b, &no_playback);
    if (napi_has_named_property(env, audio_obj, "echoCancellation", &has) == napi_ok && has && napi_get_named_property(env, audio_obj, "echoCancellation", &b) == napi_ok) napi_get_value_bool(env, b, &aec);
    int64_t rate = 48000;
    get_int(env, audio_obj, "rate", &rate);
    if (rate < 8000 || rate > 96000 || rate % 100 != 0) return throw_error(env, "MEDIA_PATH_ARGS", "audio.rate: 8000-96000 Hz, a multiple of 100 (whole samples in 10 ms)");
    if (audio_open(l, have_capture ? capture : NULL, have_playback ? playback : NULL, !no_capture, !no_playback, (int)rate, aec, why, sizeof why) != 0) return throw_error(env, "MEDIA_PATH_AUDIO", why);
  } else {
    l->audio.in_level_cdb = l->audio.out_level_cdb = l->audio.in_peak_cdb = l->audio.out_peak_cdb = -9000; /* silence until the first 100 ms */
  }
  l->recording_cap = (size_t)record_s * (size_t)pcm_rate(l);
  if (l->recording_cap > 0 && (l->recording = (int16_t *)malloc(l->recording_cap * 2)) == NULL) return throw_error(env, "MEDIA_PATH_MEMORY", "out of memory");
  /* Not connected yet: the first packet from the peer latches (a NAT may rewrite its address). */
  latch_reset(&l->latch, &remote, remote_len);
  l->rtcp_mux = mux;
  if (mux && l->rtcp_fd >= 0) { /* RFC 5761: RTCP shares the RTP port; port + 1 is not needed */
    close(l->rtcp_fd);
    l->rtcp_fd = -1;
  }
  if (!mux) latch_reset(&l->rtcp_latch, &remote_rtcp, remote_rtcp_len);
  memcpy(l->cname, cname, sizeof cname);
  l->rng_state = (uint32_t)seed != 0 ? (uint32_t)seed : 0x9e3779b9u;
  l->report_interval_us = interval_ms * 1000;
  l->send_enabled = l->receive_enabled = 1;
  l->running = 1;
  if (pthread_create(&l->thread, NULL, leg_thread, l) != 0) {
    l->running = 0;
    return throw_error(env, "MEDIA_PATH_THREAD", "could not start the media thread");
  }
  l->thread_started = 1;
  return NULL;
}

/*
 * On the JS thread: onEvent('dtmf', event code, duration ms) for a received digit, or
 * onEvent('latched', port, 0, address) when symmetric RTP moved to where the peer sends from.
 */
static void event_call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  (void)context;
  event_t *e = (event_t *)data;
  if (env != NULL && js_cb != NULL && e != NULL) {
    napi_value argv[4], undefined;
    const char *kind = e->kind == EVENT_DTMF ? "dtmf" : e->kind == EVENT_LATCHED ? "latched" : "audio-error";
    if (napi_create_string_utf8(env, kind, NAPI_AUTO_LENGTH, &argv[0]) == napi_ok && napi_create_int32(env, e->a, &argv[1]) == napi_ok && napi_create_int32(env, e->b, &argv[2]) == napi_ok &&
        napi_create_string_utf8(env, e->text, NAPI_AUTO_LENGTH, &argv[3]) == napi_ok && napi_get_undefined(env, &undefined) == napi_ok)
      napi_call_function(env, undefined, js_cb, 4, argv, NULL);
  }
  free(e);
}

/** sendDtmf(leg, event 0-15, durationMs 40-5000) → false when telephone-event was not agreed or the queue is full. */
static napi_value js_send_dtmf(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], out;
  int32_t event = -1, ms = 100;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  leg_t *l = argc < 3 ? NULL : get_leg(env, argv[0]);
  if (l == NULL) return argc < 3 ? throw_error(env, "MEDIA_PATH_ARGS", "sendDtmf(leg, event, durationMs)") : NULL;
  if (napi_get_value_int32(env, argv[1], &event) != napi_ok || napi_get_value_int32(env, argv[2], &ms) != napi_ok || event < 0 || event > 15)
    return throw_error(env, "MEDIA_PATH_ARGS", "sendDtmf: an event code 0-15 and a duration in ms");
  ms = ms < 40 ? 40 : ms > 5000 ? 5000 : ms;
  int queued = 0;
  if (l->dtmf_pt >= 0 && l->thread_started) {
    uint32_t head = l->dtmf_head, tail = __atomic_load_n(&l->dtmf_tail, __ATOMIC_ACQUIRE);
    if (head - tail < DTMF_QUEUE) {
      l->dtmf_queue[head & (DTMF_QUEUE - 1)].event = (uint8_t)event;
      l->dtmf_queue[head & (DTMF_QUEUE - 1)].ticks = (uint32_t)ms * (uint32_t)(clock_rate(l) / 1000);
      __atomic_store_n(&l->dtmf_head, head + 1, __ATOMIC_RELEASE);
      queued = 1;
    }
  }
  CHECK(env, napi_get_boolean(env, queued, &out));
  return out;
}

/**
 * update(leg, { send, receive, remoteAddress?, remotePort? }) after a re-negotiation with the same
 * keys (hold, resume, session refresh, the peer moving): what the stream may send and play, and
 * where it sends. The media thread reads the flags at its next period.
 */
static napi_value js_update(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], v;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  leg_t *l = argc < 2 ? NULL : get_leg(env, argv[0]);
  if (l == NULL) return argc < 2 ? throw_error(env, "MEDIA_PATH_ARGS", "update(leg, stream)") : NULL;
  if (!l->thread_started) return throw_error(env, "MEDIA_PATH_STATE", "not started");
  bool send_on = true, receive_on = true;
  if (napi_get_named_property(env, argv[1], "send", &v) != napi_ok || napi_get_value_bool(env, v, &send_on) != napi_ok ||
      napi_get_named_property(env, argv[1], "receive", &v) != napi_ok || napi_get_value_bool(env, v, &receive_on) != napi_ok)
    return throw_error(env, "MEDIA_PATH_ARGS", "update: send and receive (booleans)");
  char address[64];
  int64_t port = 0;
  if (get_string(env, argv[1], "remoteAddress", address, sizeof address)) {
    get_int(env, argv[1], "remotePort", &port);
    struct sockaddr_storage remote;
    socklen_t remote_len;
    if (port <= 0 || port > 65535 || parse_address(address, (int)port, &remote, &remote_len) != 0) return throw_error(env, "MEDIA_PATH_ARGS", "update: a numeric remoteAddress and a remotePort");
    struct sockaddr_storage remote_rtcp;
    socklen_t remote_rtcp_len = 0;
    char rtcp_address[64];
    int64_t rtcp_port = port + 1;
    get_int(env, argv[1], "remoteRtcpPort", &rtcp_port);
    if (!get_string(env, argv[1], "remoteRtcpAddress", rtcp_address, sizeof rtcp_address)) snprintf(rtcp_address, sizeof rtcp_address, "%s", address);
    if (!l->rtcp_mux && (rtcp_port <= 0 || rtcp_port > 65535 || parse_address(rtcp_address, (int)rtcp_port, &remote_rtcp, &remote_rtcp_len) != 0))
      return throw_error(env, "MEDIA_PATH_ARGS", "update: remoteRtcpAddress / remoteRtcpPort: numeric, in range");
    /* The peer moved (a transfer, a new SDP address): the source we were latched to is retired. */
    pthread_mutex_lock(&l->lock);
    disconnect_socket(l);
    latch_reset(&l->latch, &remote, remote_len);
    if (!l->rtcp_mux) latch_reset(&l->rtcp_latch, &remote_rtcp, remote_rtcp_len);
    pthread_mutex_unlock(&l->lock);
  }
  l->send_enabled = send_on;
  l->receive_enabled = receive_on;
  return NULL;
}

/**
 * rekey(leg, { suite, sendKey?, receiveKey?, replayWindow?, deferSend? } | null) after a
 * re-negotiation that changed keys (RFC 4568 §7.1.4), as SrtpFilter.update does it:
 *  - a new receive key becomes current; the previous context stays until a packet authenticates
 *    under the new one, so packets in flight under the old key are still played;
 *  - a new send key is used from the next packet, except with `deferSend` (we answered and both
 *    keys changed): the old send key goes on until the offerer's first packet under its new key
 *    (it has our answer then) or 2 s;
 *  - from plain RTP both keys start SRTP; null returns to plain RTP.
 * The keys are copied into libsrtp2's contexts; nothing here keeps or returns them.
 */
static napi_value js_rekey(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  leg_t *l = argc < 2 ? NULL : get_leg(env, argv[0]);
  if (l == NULL) return argc < 2 ? throw_error(env, "MEDIA_PATH_ARGS", "rekey(leg, keys | null)") : NULL;
  if (!l->thread_started) return throw_error(env, "MEDIA_PATH_STATE", "not started");
  napi_valuetype type = napi_undefined;
  CHECK(env, napi_typeof(env, argv[1], &type));
  if (type == napi_null) {
    pthread_mutex_lock(&l->lock);
    dealloc_contexts(l);
    l->srtp_on = 0;
    add(&l->c.rekeys, 1);
    pthread_mutex_unlock(&l->lock);
    return NULL;
  }
  if (type != napi_object) return throw_error(env, "MEDIA_PATH_ARGS", "rekey: keys or null");
  char suite[40];
  void *send_key = NULL, *recv_key = NULL;
  size_t send_len = 0, recv_len = 0;
  int64_t window = 128;
  bool defer = false;
  napi_value v;
  bool has = false;
  if (!get_string(env, argv[1], "suite", suite, sizeof suite)) return throw_error(env, "MEDIA_PATH_ARGS", "rekey: suite");
  int have_send = get_bytes(env, argv[1], "sendKey", &send_key, &send_len);
  int have_recv = get_bytes(env, argv[1], "receiveKey", &recv_key, &recv_len);
  if (suite_key_len(suite) == 0 || (have_send && send_len != suite_key_len(suite)) || (have_recv && recv_len != suite_key_len(suite)) || (!have_send && !have_recv))
    return throw_error(env, "MEDIA_PATH_ARGS", "rekey: a suite of ours and sendKey and/or receiveKey (master key then salt: 30 octets, 46 for AES-256)");
  get_int(env, argv[1], "replayWindow", &window);
  if (napi_has_named_property(env, argv[1], "deferSend", &has) == napi_ok && has && napi_get_named_property(env, argv[1], "deferSend", &v) == napi_ok) napi_get_value_bool(env, v, &defer);
  if (!l->srtp_on && (!have_send || !have_recv)) return throw_error(env, "MEDIA_PATH_ARGS", "rekey: starting SRTP needs both keys");
  srtp_t send_ctx = NULL, recv_ctx = NULL;
  if (!srtp_library_ready() || (have_send && srtp_session(&send_ctx, suite, (const uint8_t *)send_key, 0, (unsigned long)window) != 0) ||
      (have_recv && srtp_session(&recv_ctx, suite, (const uint8_t *)recv_key, 1, (unsigned long)window) != 0)) {
    if (send_ctx) srtp_dealloc(send_ctx);
    if (recv_ctx) srtp_dealloc(recv_ctx);
    return throw_error(env, "MEDIA_PATH_SRTP", "libsrtp2 refused the suite or keys");
  }
  pthread_mutex_lock(&l->lock);
  if (!l->srtp_on) {
    dealloc_contexts(l);
    l->srtp_send = send_ctx;
    l->srtp_recv = recv_ctx;
    l->srtp_on = 1;
  } else {
    commit_pending_send(l);
    if (recv_ctx != NULL) {
      if (l->srtp_recv_prev != NULL) srtp_dealloc(l->srtp_recv_prev);
      l->srtp_recv_prev = l->srtp_recv;
      l->srtp_recv = recv_ctx;
    }
    if (send_ctx != NULL) {
      if (defer && recv_ctx != NULL) {
        l->srtp_send_pending = send_ctx;
        l->send_pending_deadline_us = monotonic_us() + SEND_DEFER_MAX_US;
      } else {
        srtp_dealloc(l->srtp_send);
        l->srtp_send = send_ctx;
      }
    }
  }
  add(&l->c.rekeys, 1);
  pthread_mutex_unlock(&l->lock);
  return NULL;
}

/** setDevices(leg, { capture?, playback?, noCapture?, noPlayback? }): other sound cards mid-call (names as start's audio). */
static napi_value js_set_devices(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], b;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  leg_t *l = argc < 2 ? NULL : get_leg(env, argv[0]);
  if (l == NULL) return argc < 2 ? throw_error(env, "MEDIA_PATH_ARGS", "setDevices(leg, devices)") : NULL;
  if (!l->audio.on) return throw_error(env, "MEDIA_PATH_STATE", "the leg has no sound cards");
  char capture[256], playback[256], why[320];
  int have_capture = get_string(env, argv[1], "capture", capture, sizeof capture);
  int have_playback = get_string(env, argv[1], "playback", playback, sizeof playback);
  bool no_capture = false, no_playback = false, has = false;
  if (napi_has_named_property(env, argv[1], "noCapture", &has) == napi_ok && has && napi_get_named_property(env, argv[1], "noCapture", &b) == napi_ok) napi_get_value_bool(env, b, &no_capture);
  if (napi_has_named_property(env, argv[1], "noPlayback", &has) == napi_ok && has && napi_get_named_property(env, argv[1], "noPlayback", &b) == napi_ok) napi_get_value_bool(env, b, &no_playback);
  pthread_mutex_lock(&l->lock);
  int r = audio_switch(l, have_capture ? capture : NULL, have_playback ? playback : NULL, !no_capture, !no_playback, why, sizeof why);
  pthread_mutex_unlock(&l->lock);
  if (r != 0) return throw_error(env, "MEDIA_PATH_AUDIO", why);
  return NULL;
}

/** setVolume(leg, inputGainDb, outputGainDb): microphone and speaker gain, clamped to -60..+20 dB. */
static napi_value js_set_volume(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  double in_db = 0, out_db = 0;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  leg_t *l = argc < 3 ? NULL : get_leg(env, argv[0]);
  if (l == NULL) return argc < 3 ? throw_error(env, "MEDIA_PATH_ARGS", "setVolume(leg, inputGainDb, outputGainDb)") : NULL;
  if (napi_get_value_double(env, argv[1], &in_db) != napi_ok || napi_get_value_double(env, argv[2], &out_db) != napi_ok || in_db != in_db || out_db != out_db)
    return throw_error(env, "MEDIA_PATH_ARGS", "setVolume: gains in dB");
  in_db = in_db < -60 ? -60 : in_db > 20 ? 20 : in_db;
  out_db = out_db < -60 ? -60 : out_db > 20 ? 20 : out_db;
  pthread_mutex_lock(&l->lock);
  l->audio.in_gain = (float)pow(10.0, in_db / 20.0);
  l->audio.out_gain = (float)pow(10.0, out_db / 20.0);
  pthread_mutex_unlock(&l->lock);
  return NULL;
}

static void set_number(napi_env env, napi_value obj, const char *name, double value) {
  napi_value v;
  if (napi_create_double(env, value, &v) == napi_ok) napi_set_named_property(env, obj, name, v);
}

/** devices() → [{ name, hostApi, inputs, outputs, defaultRate }]: PortAudio's devices (names are what start's audio takes). */
static napi_value js_devices(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  PaError e = Pa_Initialize();
  if (e != paNoError) return throw_error(env, "MEDIA_PATH_AUDIO", Pa_GetErrorText(e));
  int count = Pa_GetDeviceCount();
  if (napi_create_array(env, &out) != napi_ok) {
    Pa_Terminate();
    return NULL;
  }
  for (int i = 0, k = 0; i < count; i++) {
    const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
    const PaHostApiInfo *h = d == NULL ? NULL : Pa_GetHostApiInfo(d->hostApi);
    napi_value o, v;
    if (d == NULL || napi_create_object(env, &o) != napi_ok) continue;
    if (napi_create_string_utf8(env, d->name, NAPI_AUTO_LENGTH, &v) == napi_ok) napi_set_named_property(env, o, "name", v);
    if (napi_create_string_utf8(env, h == NULL ? "" : h->name, NAPI_AUTO_LENGTH, &v) == napi_ok) napi_set_named_property(env, o, "hostApi", v);
    set_number(env, o, "inputs", d->maxInputChannels);
    set_number(env, o, "outputs", d->maxOutputChannels);
    set_number(env, o, "defaultRate", d->defaultSampleRate);
    napi_set_element(env, out, (uint32_t)k++, o);
  }
  Pa_Terminate();
  return out;
}

static napi_value js_set_muted(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  bool muted = false;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  leg_t *l = argc < 2 ? NULL : get_leg(env, argv[0]);
  if (l == NULL) return NULL;
  CHECK(env, napi_get_value_bool(env, argv[1], &muted));
  l->muted = muted;
  return NULL;
}

/* The meters (written by levels_tick): microphone RMS and peak, speaker RMS and peak (dBFS), microphone clipped (0/1). */
static void read_levels(const audio_t *a, double out[5]) {
  out[0] = (double)__atomic_load_n(&a->in_level_cdb, __ATOMIC_RELAXED) / 100.0;
  out[1] = (double)__atomic_load_n(&a->in_peak_cdb, __ATOMIC_RELAXED) / 100.0;
  out[2] = (double)__atomic_load_n(&a->out_level_cdb, __ATOMIC_RELAXED) / 100.0;
  out[3] = (double)__atomic_load_n(&a->out_peak_cdb, __ATOMIC_RELAXED) / 100.0;
  out[4] = (double)__atomic_load_n(&a->in_clipped, __ATOMIC_RELAXED);
}

/*
 * levels(leg, out: Float64Array(5)): the meters only - microphone RMS and peak, speaker RMS and
 * peak (dBFS over the last 100 ms; -90 silence), microphone clipped (0/1) - written into the
 * caller's array: read ten times a second during a call, so no object is built for it.
 */
static napi_value js_levels(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  leg_t *l = argc < 2 ? NULL : get_leg(env, argv[0]);
  if (l == NULL) return NULL;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  bool is_typed = false;
  if (napi_is_typedarray(env, argv[1], &is_typed) != napi_ok || !is_typed || napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_float64_array || length < 5)
    return throw_error(env, "MEDIA_PATH_ARGS", "levels: a Float64Array of 5");
  read_levels(&l->audio, (double *)data);
  return NULL;
}

static napi_value js_stats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  leg_t *l = argc < 1 ? NULL : get_leg(env, argv[0]);
  if (l == NULL) return NULL;
  CHECK(env, napi_create_object(env, &out));
  const counters_t *c = &l->c;
#define N(field, name) set_number(env, out, name, (double)get(&c->field))
  N(wakeups, "wakeups");
  N(late_wakeups, "lateWakeups");
  N(max_lateness_us, "maxLatenessUs");
  N(packets_sent, "packetsSent");
  N(datagrams, "datagrams");
  N(packets_received, "packetsReceived");
  N(accepted, "accepted");
  N(duplicates, "duplicates");
  N(bytes_received, "bytesReceived");
  N(rtcp_received, "rtcpReceived");
  N(auth_failures, "authFailures");
  N(replay_failures, "replayFailures");
  N(other_srtp_failures, "otherSrtpFailures");
  N(not_rtp, "notRtp");
  N(wrong_payload_type, "wrongPayloadType");
  N(late_packets, "latePackets");
  N(overflow_dropped, "overflowDropped");
  N(underruns, "underruns");
  N(resyncs, "resyncs");
  N(held, "held");
  N(dtmf_packets, "dtmfPackets");
  N(dtmf_sent, "dtmfPacketsSent");
  N(dtmf_received, "dtmfReceived");
  N(frames_played, "framesPlayed");
  N(frames_concealed, "framesConcealed");
  N(frames_silent, "framesSilent");
  N(send_errors, "sendErrors");
  N(strangers, "strangers");
  N(refused_sources, "refusedSources");
  N(latches, "latches");
  N(rekeys, "rekeys");
  N(under_previous_key, "underPreviousKey");
  N(rtcp_malformed, "rtcpMalformed");
  N(rtcp_sent, "rtcpSent");
#undef N
  pthread_mutex_lock(&l->lock);
  set_number(env, out, "socketConnected", l->connected);
  rtcp_rx_snapshot_t snap;
  memset(&snap, 0, sizeof snap);
  if (l->rx_active) rtcp_rx_snapshot(&l->rx, &snap);
  set_number(env, out, "expected", snap.expected);
  set_number(env, out, "received", snap.received);
  set_number(env, out, "lost", snap.lost);
  set_number(env, out, "jitterMs", (double)snap.jitter * 1000.0 / clock_rate(l));
  set_number(env, out, "rttMs", l->have_rtt ? l->rtt_ms : -1);
  set_number(env, out, "remoteLossPercent", l->have_remote_fraction ? (double)l->remote_fraction / 256.0 * 100.0 : -1);
  set_number(env, out, "peerSaidBye", l->peer_bye);
  set_number(env, out, "queueFrames", l->jb_count);
  set_number(env, out, "queueMs", (double)l->jb_samples * 1000.0 / pcm_rate(l));
  set_number(env, out, "pcmRate", pcm_rate(l));
  set_number(env, out, "rtcpMux", l->rtcp_mux);
  const audio_t *a = &l->audio;
  set_number(env, out, "audio", a->on);
  /* The meters, with sound cards and with file audio alike. */
  double levels[5];
  read_levels(a, levels);
  set_number(env, out, "microphoneLevelDb", levels[0]);
  set_number(env, out, "microphonePeakDb", levels[1]);
  set_number(env, out, "speakerLevelDb", levels[2]);
  set_number(env, out, "speakerPeakDb", levels[3]);
  set_number(env, out, "microphoneClipped", levels[4]);
  if (a->on) {
    set_number(env, out, "deviceRate", a->rate);
    set_number(env, out, "captureUnderruns", (double)get(&a->capture_underruns));
    set_number(env, out, "captureDropped", (double)get(&a->capture_dropped));
    set_number(env, out, "captureOverflow", (double)get(&a->capture_overflow));
    set_number(env, out, "playbackUnderrunSamples", (double)get(&a->playback_underrun_samples));
    set_number(env, out, "playbackDropped", (double)get(&a->playback_dropped));
    set_number(env, out, "echoCancellation", a->aec != NULL);
    set_number(env, out, "captureQueuedMs", (double)ring_fill(a->cap) * 1000.0 / a->rate);
    set_number(env, out, "playbackQueuedMs", (double)ring_fill(a->play) * 1000.0 / a->rate);
  }
  set_number(env, out, "acceptsPreviousReceiveKey", l->srtp_recv_prev != NULL);
  set_number(env, out, "sendKeyDeferred", l->srtp_send_pending != NULL);
  pthread_mutex_unlock(&l->lock);
  set_number(env, out, "captureStartEpochMs", l->capture_start_epoch_ms);
  set_number(env, out, "playbackStartEpochMs", l->playback_start_epoch_ms);
  return out;
}

/** stop(leg) → Int16Array: the recording (the thread is joined first; the socket stays open until close). */
static napi_value js_stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], ab, out;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  leg_t *l = argc < 1 ? NULL : get_leg(env, argv[0]);
  if (l == NULL) return NULL;
  leg_stop(l);
  void *data = NULL;
  CHECK(env, napi_create_arraybuffer(env, l->recording_len * 2, &data, &ab));
  if (l->recording_len > 0) memcpy(data, l->recording, l->recording_len * 2);
  CHECK(env, napi_create_typedarray(env, napi_int16_array, l->recording_len, ab, 0, &out));
  return out;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_external(env, argv[0], &data) != napi_ok || data == NULL) return throw_error(env, "MEDIA_PATH_HANDLE", "not a media path leg");
  leg_close((leg_t *)data);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"localPort", NULL, js_local_port, NULL, NULL, NULL, napi_enumerable, NULL},
      {"start", NULL, js_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"update", NULL, js_update, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rekey", NULL, js_rekey, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendDtmf", NULL, js_send_dtmf, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setMuted", NULL, js_set_muted, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setVolume", NULL, js_set_volume, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setDevices", NULL, js_set_devices, NULL, NULL, NULL, napi_enumerable, NULL},
      {"devices", NULL, js_devices, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stats", NULL, js_stats, NULL, NULL, NULL, napi_enumerable, NULL},
      {"levels", NULL, js_levels, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stop", NULL, js_stop, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
