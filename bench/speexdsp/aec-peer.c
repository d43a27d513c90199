/*
 * Peer for `npm run bench -- aec`: Debian's libspeexdsp (libspeexdsp-dev, the distribution's
 * build: smallft FFT, its own compiler flags) running the same cancellation as our addon, in C,
 * without Node. Reads the far end and the microphone as raw s16le mono, pairs the k-th
 * microphone frame with far-end frame k - 2 (what the addon does for strictly alternating
 * calls, capture first), writes the output as raw s16le and prints
 * {"msPerFrame": ...} (speex_echo_cancellation + speex_preprocess_run only, file I/O excluded).
 *
 *   aec-peer RATE FRAME FILTER RES(0|1) far.raw mic.raw out.raw
 */
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static short *read_all(const char *path, long *samples) {
  FILE *f = fopen(path, "rb");
  long bytes;
  short *buf;
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  bytes = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)bytes);
  if (buf == NULL || fread(buf, 1, (size_t)bytes, f) != (size_t)bytes) {
    fclose(f);
    free(buf);
    return NULL;
  }
  fclose(f);
  *samples = bytes / 2;
  return buf;
}

int main(int argc, char **argv) {
  int rate, frame, filter, res, on = 1, zero = 0, off = 0;
  long n_far, n_mic, frames, k;
  short *far, *mic, *out, *silence;
  SpeexEchoState *echo;
  SpeexPreprocessState *pre = NULL;
  struct timespec t0, t1;
  FILE *o;
  if (argc != 8) {
    fprintf(stderr, "usage: aec-peer RATE FRAME FILTER RES far.raw mic.raw out.raw\n");
    return 2;
  }
  rate = atoi(argv[1]);
  frame = atoi(argv[2]);
  filter = atoi(argv[3]);
  res = atoi(argv[4]);
  far = read_all(argv[5], &n_far);
  mic = read_all(argv[6], &n_mic);
  if (far == NULL || mic == NULL || frame <= 0) {
    fprintf(stderr, "aec-peer: cannot read inputs\n");
    return 1;
  }
  frames = (n_mic < n_far ? n_mic : n_far) / frame;
  out = calloc((size_t)(frames * frame), sizeof(short));
  silence = calloc((size_t)frame, sizeof(short));
  echo = speex_echo_state_init(frame, filter);
  speex_echo_ctl(echo, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
  if (res) {
    pre = speex_preprocess_state_init(frame, rate);
    speex_preprocess_ctl(pre, SPEEX_PREPROCESS_SET_DENOISE, &on);
    speex_preprocess_ctl(pre, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, &zero);
    speex_preprocess_ctl(pre, SPEEX_PREPROCESS_SET_AGC, &off);
    speex_preprocess_ctl(pre, SPEEX_PREPROCESS_SET_VAD, &off);
    speex_preprocess_ctl(pre, SPEEX_PREPROCESS_SET_DEREVERB, &off);
    speex_preprocess_ctl(pre, SPEEX_PREPROCESS_SET_ECHO_STATE, echo);
  }
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (k = 0; k < frames; k++) {
    const short *ref = k >= 2 ? far + (k - 2) * frame : silence;
    speex_echo_cancellation(echo, mic + k * frame, ref, out + k * frame);
    if (pre != NULL) speex_preprocess_run(pre, out + k * frame);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  o = fopen(argv[7], "wb");
  if (o == NULL || fwrite(out, sizeof(short), (size_t)(frames * frame), o) != (size_t)(frames * frame)) {
    fprintf(stderr, "aec-peer: cannot write output\n");
    return 1;
  }
  fclose(o);
  printf("{\"msPerFrame\": %.6f}\n", ((t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6) / (double)frames);
  if (pre != NULL) speex_preprocess_state_destroy(pre);
  speex_echo_state_destroy(echo);
  return 0;
}
