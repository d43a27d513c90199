/*
 * Test driver for native/media-path/src/rtcp.c (see native-rtcp.test.ts): one command per line
 * on stdin, exactly one JSON line per command on stdout. Hex strings are lowercase pairs; "-"
 * stands for empty. Numbers are decimal.
 *
 *   init SSRC RATE                  -> {"ok":true}          rtcp_rx_init (one source at a time)
 *   pkt SEQ TS ARRIVAL_US           -> {"verdict":"accepted"|"probation"|"bad-sequence"|"restarted"}
 *   sr MIDDLE ARRIVAL_US            -> {"ok":true}          rtcp_rx_sender_report
 *   snap                            -> {"received":..,"expected":..,"lost":..,"ext":..,"jitter":..}
 *   block NOW_US                    -> {"block":"<48 hex>"} or {"block":null}
 *   build CAP SSRC SR NTP RTP PKTS OCTETS NBLOCKS BLOCKS CNAME BYE REASON
 *                                   -> {"hex":"..."} ("" when rtcp_build_ex returned 0)
 *       SR 0/1 (sender info or not); NTP 16 hex digits; BLOCKS hex (up to 31 blocks; NBLOCKS is
 *       passed as given); CNAME hex of the NUL-terminated string; BYE 0/1; REASON "-" for none
 *       (NULL), "." for an empty reason, else hex.
 *   parse HEX OURSSRC               -> {"malformed":true} or the rtcp_info_t fields
 *   rtt A LSR DLSR                  -> {"rtt":ms} or {"rtt":null}
 *   ntp UNIX_MS                     -> {"ntp":"<16 hex>","middle":..}
 *
 * The datagram given to rtcp_parse is copied into a heap block of exactly its length, so that a
 * build with -fsanitize=address reports any read past it.
 */
#include "rtcp.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes `hex` ("-" = empty) into out[0..cap); returns the length, or -1 when invalid. */
static long unhex(const char *hex, uint8_t *out, size_t cap) {
  if (strcmp(hex, "-") == 0) return 0;
  size_t n = strlen(hex);
  if (n % 2 != 0 || n / 2 > cap) return -1;
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    out[i] = (uint8_t)(hi * 16 + lo);
  }
  return (long)(n / 2);
}

static void put_hex(const uint8_t *b, size_t n) {
  for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

static const char *verdict_name(int v) {
  switch (v) {
  case RTCP_ACCEPTED: return "accepted";
  case RTCP_PROBATION: return "probation";
  case RTCP_BAD_SEQUENCE: return "bad-sequence";
  case RTCP_RESTARTED: return "restarted";
  default: return "?";
  }
}

#define MAX_ARGS 16

int main(void) {
  static rtcp_rx_t rx;
  rtcp_rx_init(&rx, 0, 8000);
  char *line = NULL;
  size_t line_cap = 0;
  ssize_t got;
  while ((got = getline(&line, &line_cap, stdin)) > 0) {
    char *argv[MAX_ARGS];
    int argc = 0;
    for (char *tok = strtok(line, " \t\r\n"); tok != NULL && argc < MAX_ARGS; tok = strtok(NULL, " \t\r\n")) argv[argc++] = tok;
    if (argc == 0) continue;
    const char *cmd = argv[0];
    if (strcmp(cmd, "init") == 0 && argc == 3) {
      rtcp_rx_init(&rx, (uint32_t)strtoul(argv[1], NULL, 10), (uint32_t)strtoul(argv[2], NULL, 10));
      printf("{\"ok\":true}\n");
    } else if (strcmp(cmd, "pkt") == 0 && argc == 4) {
      int v = rtcp_rx_packet(&rx, (uint16_t)strtoul(argv[1], NULL, 10), (uint32_t)strtoul(argv[2], NULL, 10), strtoll(argv[3], NULL, 10));
      printf("{\"verdict\":\"%s\"}\n", verdict_name(v));
    } else if (strcmp(cmd, "sr") == 0 && argc == 3) {
      rtcp_rx_sender_report(&rx, (uint32_t)strtoul(argv[1], NULL, 10), strtoll(argv[2], NULL, 10));
      printf("{\"ok\":true}\n");
    } else if (strcmp(cmd, "snap") == 0 && argc == 1) {
      rtcp_rx_snapshot_t s;
      rtcp_rx_snapshot(&rx, &s);
      printf("{\"received\":%" PRIu32 ",\"expected\":%" PRIu32 ",\"lost\":%" PRId32 ",\"ext\":%" PRIu32 ",\"jitter\":%" PRIu32 "}\n", s.received, s.expected, s.lost,
             s.ext_highest, s.jitter);
    } else if (strcmp(cmd, "block") == 0 && argc == 2) {
      uint8_t b[24];
      memset(b, 0xee, sizeof b);
      if (rtcp_rx_report_block(&rx, strtoll(argv[1], NULL, 10), b)) {
        printf("{\"block\":\"");
        put_hex(b, sizeof b);
        printf("\"}\n");
      } else {
        /* Nothing may have been written. */
        int untouched = 1;
        for (size_t i = 0; i < sizeof b; i++) untouched &= b[i] == 0xee;
        printf("{\"block\":null,\"untouched\":%s}\n", untouched ? "true" : "false");
      }
    } else if (strcmp(cmd, "build") == 0 && argc == 13) {
      static uint8_t blocks[RTCP_MAX_BLOCKS * RTCP_REPORT_BLOCK_SIZE];
      char cname[512];
      uint8_t reason[512];
      size_t cap = strtoul(argv[1], NULL, 10);
      uint32_t ssrc = (uint32_t)strtoul(argv[2], NULL, 10);
      rtcp_sender_info_t sender = {strtoull(argv[4], NULL, 16), (uint32_t)strtoul(argv[5], NULL, 10), (uint32_t)strtoul(argv[6], NULL, 10),
                                   (uint32_t)strtoul(argv[7], NULL, 10)};
      int nblocks = atoi(argv[8]);
      long nb = unhex(argv[9], blocks, sizeof blocks);
      long nc = unhex(argv[10], (uint8_t *)cname, sizeof cname - 1);
      int bye = atoi(argv[11]);
      const uint8_t *reason_p = NULL;
      long nr = 0;
      if (strcmp(argv[12], ".") == 0) reason_p = reason;
      else if (strcmp(argv[12], "-") != 0) {
        nr = unhex(argv[12], reason, sizeof reason);
        reason_p = reason;
      }
      if (nb < 0 || nc < 0 || nr < 0) {
        printf("{\"error\":\"bad hex\"}\n");
      } else {
        cname[nc] = '\0';
        /* Exactly `cap` octets of heap, so that the sanitizer build catches a write past it. */
        uint8_t *out = malloc(cap > 0 ? cap : 1);
        size_t n = rtcp_build_ex(out, cap, ssrc, atoi(argv[3]) ? &sender : NULL, blocks, nblocks, cname, bye, reason_p, (size_t)nr);
        printf("{\"hex\":\"");
        put_hex(out, n);
        printf("\"}\n");
        free(out);
      }
    } else if (strcmp(cmd, "parse") == 0 && argc == 3) {
      size_t hexlen = strcmp(argv[1], "-") == 0 ? 0 : strlen(argv[1]);
      static uint8_t dummy;
      uint8_t *buf = hexlen > 0 ? malloc(hexlen / 2) : &dummy;
      long n = buf == NULL ? -1 : unhex(argv[1], buf, hexlen / 2);
      if (n < 0) {
        printf("{\"error\":\"bad hex\"}\n");
      } else {
        rtcp_info_t info;
        if (rtcp_parse(buf, (size_t)n, (uint32_t)strtoul(argv[2], NULL, 10), &info) != 0) {
          printf("{\"malformed\":true}\n");
        } else {
          printf("{\"malformed\":false,\"haveSr\":%s,\"srSsrc\":%" PRIu32 ",\"srMiddle\":%" PRIu32 ",\"haveBlock\":%s", info.have_sr ? "true" : "false",
                 info.have_sr ? info.sr_ssrc : 0, info.have_sr ? info.sr_ntp_middle32 : 0, info.have_block ? "true" : "false");
          if (info.have_block) {
            printf(",\"fraction\":%u,\"lost\":%" PRId32 ",\"ext\":%" PRIu32 ",\"jitter\":%" PRIu32 ",\"lsr\":%" PRIu32 ",\"dlsr\":%" PRIu32, info.fraction_lost,
                   info.cumulative_lost, info.ext_highest, info.jitter, info.lsr, info.dlsr);
          }
          printf(",\"bye\":%s}\n", info.bye ? "true" : "false");
        }
      }
      if (buf != &dummy) free(buf);
    } else if (strcmp(cmd, "rtt") == 0 && argc == 4) {
      double r = rtcp_rtt_ms((uint32_t)strtoul(argv[1], NULL, 10), (uint32_t)strtoul(argv[2], NULL, 10), (uint32_t)strtoul(argv[3], NULL, 10));
      if (r < 0) printf("{\"rtt\":null}\n");
      else printf("{\"rtt\":%.17g}\n", r);
    } else if (strcmp(cmd, "ntp") == 0 && argc == 2) {
      uint64_t ntp = rtcp_ntp_from_unix_ms(strtod(argv[1], NULL));
      printf("{\"ntp\":\"%016" PRIx64 "\",\"middle\":%" PRIu32 "}\n", ntp, rtcp_ntp_middle32(ntp));
    } else {
      printf("{\"error\":\"unknown command\"}\n");
    }
  }
  free(line);
  return 0;
}
