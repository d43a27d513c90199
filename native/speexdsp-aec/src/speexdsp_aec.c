/*
 * @softphone/speexdsp-aec: a Node-API (C) binding of speexdsp's acoustic echo canceller
 * (mdf.c, multidelay block frequency-domain adaptive filter) and its preprocessor
 * (preprocess.c: residual-echo suppression, optional noise suppression).
 *
 *   create(sampleRate, frameSamples, filterLengthSamples, options?) -> EchoCanceller
 *     options: { residualEchoSuppression?: boolean = true, noiseSuppression?: boolean = false,
 *                delayFrames?: integer 0..32 = 2 }
 *   EchoCanceller: playback(far: Int16Array), capture(near: Int16Array, out: Int16Array),
 *                  reset(), stats() -> counters, destroy(); sampleRate, frameSamples, filterLength
 *
 * Every argument is checked: wrong types throw TypeError (code ERR_INVALID_ARG_TYPE), wrong
 * values or lengths RangeError (ERR_OUT_OF_RANGE), any use after destroy() Error
 * (ERR_AEC_DESTROYED). Nothing reachable from JavaScript can crash the process.
 *
 * Far-end alignment. capture() cancels the microphone frame against one earlier playback()
 * frame: at the first capture() the (delayFrames + 1)-th most recent one (silence if there are
 * not that many yet), and from then on by count (the next capture pairs with the next far-end
 * frame), whatever the order and burstiness of the calls. Every WINDOW_FRAMES captures the
 * pairing is checked: the "slack" is how many far-end frames newer than the paired one were
 * already there at a capture; if its minimum over the window left [delayFrames - 1,
 * delayFrames + 1] (in the first window, or in two windows in a row), the pairing moves (by
 * whole frames, back to delayFrames) so that a capture never finds its frame missing yet (sound
 * cards deliver callbacks in bursts and start with a burst of playback pulls to fill their
 * output buffer) and the reference stays as recent as the jitter allows (and follows a slow
 * clock drift between two devices).
 *
 * This replaces speex_echo_playback()/speex_echo_capture() (mdf.c), which pair by buffer fill:
 * they drop a playback frame when more than PLAYBACK_DELAY + 1 = 3 wait and duplicate one when
 * fewer than PLAYBACK_DELAY - 1 do, so with real sound-card streams, whose callbacks come in
 * bursts of two or three, the reference jumped by a frame many times a second and the filter
 * never converged (the PulseAudio echo loop of test/integration/audio: 45 drops in 8 s, ~1 dB
 * ERLE; with this scheme > 25 dB). With the default delayFrames = 1 and strictly alternating
 * calls the pairing is upstream's (capture-first: the frame two playbacks back).
 * A capture whose frame is missing all the same uses silence (underrun); frames older than the
 * ring are dropped when playback runs RING_EXTRA frames ahead (overrun). Both are counted
 * (stats()) rather than printed to stderr.
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speex/speex_echo.h"
#include "speex/speex_preprocess.h"

#define MIN_RATE 8000
#define MAX_RATE 48000
#define MIN_FRAME 40
#define MAX_FRAME 2048
#define MAX_FILTER 65536
#define MAX_DELAY_FRAMES 32
#define DEFAULT_DELAY_FRAMES 1 /* slack target; with alternating calls as upstream's PLAYBACK_DELAY 2 */
#define RING_EXTRA 48          /* far-end frames kept beyond delayFrames + 1 (realignment, bursts) */
#define WINDOW_FRAMES 50       /* captures between alignment checks */

typedef struct {
  int destroyed;
  int rate;
  int frame;
  int filter;
  int delay_frames;
  int residual_echo;
  int noise;
  SpeexEchoState *echo;
  SpeexPreprocessState *pre;
  spx_int16_t *ring;  /* ring_frames frames of far-end audio, indexed by playback count */
  int ring_frames;    /* delay_frames + 1 + RING_EXTRA */
  long long written;  /* playback frames given since create/reset */
  long long read;     /* index of the far-end frame the next capture() pairs with (< 0: silence) */
  int started;        /* a capture() has happened since create/reset */
  int window_count;   /* captures in the current alignment window */
  long long window_min_slack;
  int windows_done;   /* alignment windows completed since the start */
  int last_verdict;   /* the previous window: -1 slack too small, +1 too large, 0 in band */
  spx_int16_t *near_copy;
  spx_int16_t *silence;
  double frames;
  double playback_frames;
  double underruns;
  double overruns;
  double realignments;
} Aec;

typedef struct {
  napi_ref ctor;
} AddonData;

/* ---- small helpers ------------------------------------------------------------------------ */

#define CALL(env, call, ret)                                                                   \
  do {                                                                                         \
    if ((call) != napi_ok) {                                                                   \
      throw_last_error(env);                                                                   \
      return ret;                                                                              \
    }                                                                                          \
  } while (0)

static void throw_last_error(napi_env env) {
  bool pending = false;
  const napi_extended_error_info *info = NULL;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  napi_get_last_error_info(env, &info);
  napi_throw_error(env, "ERR_AEC_NAPI", info != NULL && info->error_message != NULL ? info->error_message : "Node-API call failed");
}

static void throw_type(napi_env env, const char *msg) { napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg); }
static void throw_range(napi_env env, const char *msg) { napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg); }

/* An integer-valued finite number in [min, max]; throws and returns 0 otherwise. */
static int get_int(napi_env env, napi_value v, const char *type_msg, const char *range_msg, int min, int max, int *out) {
  napi_valuetype t;
  double d;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number) {
    throw_type(env, type_msg);
    return 0;
  }
  if (napi_get_value_double(env, v, &d) != napi_ok) {
    throw_last_error(env);
    return 0;
  }
  if (!isfinite(d) || floor(d) != d || d < (double)min || d > (double)max) {
    throw_range(env, range_msg);
    return 0;
  }
  *out = (int)d;
  return 1;
}

/* An optional boolean property of `obj` (undefined keeps *out). */
static int get_opt_bool(napi_env env, napi_value obj, const char *key, const char *type_msg, int *out) {
  napi_value v;
  napi_valuetype t;
  bool b;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) {
    throw_last_error(env);
    return 0;
  }
  if (napi_typeof(env, v, &t) != napi_ok) {
    throw_last_error(env);
    return 0;
  }
  if (t == napi_undefined) return 1;
  if (t != napi_boolean) {
    throw_type(env, type_msg);
    return 0;
  }
  if (napi_get_value_bool(env, v, &b) != napi_ok) {
    throw_last_error(env);
    return 0;
  }
  *out = b ? 1 : 0;
  return 1;
}

/* Frame sizes whose prime factors are 2, 3, 5 and 7 only: kiss_fft's fast radices 2-5 plus its
 * generic one for 7 (10 and 20 ms at 44.1 kHz are 441 = 3^2 7^2 and 882 samples), and its
 * "max radix 17" fatal path out of reach. */
static int smooth_frame(int n) {
  while (n % 2 == 0) n /= 2;
  while (n % 3 == 0) n /= 3;
  while (n % 5 == 0) n /= 5;
  while (n % 7 == 0) n /= 7;
  return n == 1;
}

/* An Int16Array of exactly a->frame samples; throws and returns NULL otherwise. */
static spx_int16_t *get_frame(napi_env env, const Aec *a, napi_value v, const char *name) {
  bool is_ta = false;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  char msg[160];
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok) {
    throw_last_error(env);
    return NULL;
  }
  if (!is_ta) {
    snprintf(msg, sizeof msg, "%s must be an Int16Array", name);
    throw_type(env, msg);
    return NULL;
  }
  if (napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok) {
    throw_last_error(env);
    return NULL;
  }
  if (type != napi_int16_array) {
    snprintf(msg, sizeof msg, "%s must be an Int16Array", name);
    throw_type(env, msg);
    return NULL;
  }
  if (length != (size_t)a->frame || data == NULL) {
    snprintf(msg, sizeof msg, "%s must hold exactly %d samples (got %lu)", name, a->frame, (unsigned long)length);
    throw_range(env, msg);
    return NULL;
  }
  return (spx_int16_t *)data;
}

static void free_states(Aec *a) {
  if (a->pre != NULL) speex_preprocess_state_destroy(a->pre);
  if (a->echo != NULL) speex_echo_state_destroy(a->echo);
  free(a->ring);
  free(a->near_copy);
  free(a->silence);
  a->pre = NULL;
  a->echo = NULL;
  a->ring = NULL;
  a->near_copy = NULL;
  a->silence = NULL;
}

/*
 * The preprocessor (if any option needs it); 0 on allocation failure. preprocess.c applies its
 * spectral gain only while "denoise" is on, and residual-echo suppression is part of that gain:
 * so denoise stays on, and without noise suppression its noise attenuation is 0 dB (the gain
 * floor then is 1 where noise dominates and -40 dB where the estimated residual echo does).
 */
static int make_preprocessor(Aec *a) {
  int on = 1, off = 0, no_noise_suppression = 0;
  if (!a->residual_echo && !a->noise) return 1;
  a->pre = speex_preprocess_state_init(a->frame, a->rate);
  if (a->pre == NULL) return 0;
  speex_preprocess_ctl(a->pre, SPEEX_PREPROCESS_SET_DENOISE, &on);
  if (!a->noise) speex_preprocess_ctl(a->pre, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, &no_noise_suppression);
  speex_preprocess_ctl(a->pre, SPEEX_PREPROCESS_SET_AGC, &off);
  speex_preprocess_ctl(a->pre, SPEEX_PREPROCESS_SET_VAD, &off);
  speex_preprocess_ctl(a->pre, SPEEX_PREPROCESS_SET_DEREVERB, &off);
  if (a->residual_echo) speex_preprocess_ctl(a->pre, SPEEX_PREPROCESS_SET_ECHO_STATE, a->echo);
  return 1;
}

static spx_int16_t *ring_slot(const Aec *a, long long index) {
  return a->ring + (size_t)(index % a->ring_frames) * (size_t)a->frame;
}

static void reset_ring(Aec *a) {
  memset(a->ring, 0, sizeof(spx_int16_t) * (size_t)a->frame * (size_t)a->ring_frames);
  a->written = 0;
  a->read = 0;
  a->started = 0;
  a->window_count = 0;
  a->windows_done = 0;
  a->last_verdict = 0;
}

static void finalize(napi_env env, void *data, void *hint) {
  Aec *a = (Aec *)data;
  (void)env;
  (void)hint;
  if (a == NULL) return;
  free_states(a);
  free(a);
}

/* `this` as a live Aec; throws and returns NULL if destroyed or not one of ours. */
static Aec *unwrap_live(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_value self;
  Aec *a = NULL;
  if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok) {
    throw_last_error(env);
    return NULL;
  }
  if (napi_unwrap(env, self, (void **)&a) != napi_ok || a == NULL) {
    throw_type(env, "not an EchoCanceller");
    return NULL;
  }
  if (a->destroyed) {
    napi_throw_error(env, "ERR_AEC_DESTROYED", "the echo canceller was destroyed");
    return NULL;
  }
  return a;
}

/* ---- methods ------------------------------------------------------------------------------ */

static napi_value Playback(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Aec *a = unwrap_live(env, info, &argc, argv);
  spx_int16_t *far_frame;
  if (a == NULL) return NULL;
  if (argc < 1) {
    throw_type(env, "far must be an Int16Array");
    return NULL;
  }
  far_frame = get_frame(env, a, argv[0], "far");
  if (far_frame == NULL) return NULL;
  a->playback_frames += 1;
  memcpy(ring_slot(a, a->written), far_frame, sizeof(spx_int16_t) * (size_t)a->frame);
  a->written += 1;
  if (a->started && a->written - a->read > a->ring_frames - 1) {
    /* The frame the next capture would use was just overwritten: move on to the oldest kept. */
    a->overruns += 1;
    a->read = a->written - (a->ring_frames - 1);
  }
  return NULL;
}

static napi_value Capture(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  Aec *a = unwrap_live(env, info, &argc, argv);
  spx_int16_t *near_frame, *out;
  const spx_int16_t *far_frame;
  long long slack;
  if (a == NULL) return NULL;
  if (argc < 2) {
    throw_type(env, "capture(near, out) needs two Int16Arrays");
    return NULL;
  }
  near_frame = get_frame(env, a, argv[0], "near");
  if (near_frame == NULL) return NULL;
  out = get_frame(env, a, argv[1], "out");
  if (out == NULL) return NULL;

  if (!a->started) {
    a->started = 1;
    a->read = a->written - 1 - a->delay_frames;
    if (a->read < a->written - (a->ring_frames - 1)) a->read = a->written - (a->ring_frames - 1);
  }
  /* mdf.c reads `in` after writing `out`: work on a copy so that out may alias near. */
  memcpy(a->near_copy, near_frame, sizeof(spx_int16_t) * (size_t)a->frame);
  slack = a->written - 1 - a->read;
  if (a->window_count == 0 || slack < a->window_min_slack) a->window_min_slack = slack;
  if (a->read >= a->written) {
    a->underruns += 1;
    far_frame = a->silence;
  } else if (a->read < 0) {
    far_frame = a->silence; /* before the first playback frame */
  } else {
    far_frame = ring_slot(a, a->read);
  }
  a->read += 1;
  if (++a->window_count == WINDOW_FRAMES) {
    long long lower = a->delay_frames > 0 ? a->delay_frames - 1 : 0;
    long long upper = a->delay_frames + 1;
    int verdict = a->window_min_slack < lower ? -1 : a->window_min_slack > upper ? 1 : 0;
    /* The first window sets the pairing; later, one odd window (a single late callback) only
     * costs an underrun, and moving the pairing would cost seconds of re-convergence: move
     * only when two windows in a row say the same (a changed jitter, a clock drift). */
    if (verdict != 0 && (a->windows_done == 0 || verdict == a->last_verdict)) {
      a->read += a->window_min_slack - a->delay_frames;
      if (a->read < a->written - (a->ring_frames - 1)) a->read = a->written - (a->ring_frames - 1);
      a->realignments += 1;
      verdict = 0;
    }
    a->last_verdict = verdict;
    a->windows_done += 1;
    a->window_count = 0;
  }
  speex_echo_cancellation(a->echo, a->near_copy, far_frame, out);
  if (a->pre != NULL) speex_preprocess_run(a->pre, out);
  a->frames += 1;
  return NULL;
}

static napi_value Reset(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  Aec *a = unwrap_live(env, info, &argc, NULL);
  if (a == NULL) return NULL;
  speex_echo_state_reset(a->echo);
  /* The preprocessor has no reset: make a new one (it holds noise and echo estimates). */
  if (a->pre != NULL) {
    speex_preprocess_state_destroy(a->pre);
    a->pre = NULL;
  }
  if (!make_preprocessor(a)) {
    napi_throw_error(env, "ERR_AEC_NO_MEMORY", "out of memory re-creating the preprocessor");
    return NULL;
  }
  reset_ring(a);
  return NULL;
}

static int set_number(napi_env env, napi_value obj, const char *key, double value) {
  napi_value v;
  if (napi_create_double(env, value, &v) != napi_ok) return 0;
  return napi_set_named_property(env, obj, key, v) == napi_ok;
}

static napi_value Stats(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  napi_value obj;
  Aec *a = unwrap_live(env, info, &argc, NULL);
  if (a == NULL) return NULL;
  CALL(env, napi_create_object(env, &obj), NULL);
  if (!set_number(env, obj, "frames", a->frames) || !set_number(env, obj, "playbackFrames", a->playback_frames) ||
      !set_number(env, obj, "underruns", a->underruns) || !set_number(env, obj, "overruns", a->overruns) ||
      !set_number(env, obj, "realignments", a->realignments) ||
      !set_number(env, obj, "bufferedFrames", a->written > a->read ? (double)(a->written - a->read) : 0.0)) {
    throw_last_error(env);
    return NULL;
  }
  return obj;
}

static napi_value Destroy(napi_env env, napi_callback_info info) {
  napi_value self;
  size_t argc = 0;
  Aec *a = NULL;
  CALL(env, napi_get_cb_info(env, info, &argc, NULL, &self, NULL), NULL);
  if (napi_unwrap(env, self, (void **)&a) != napi_ok || a == NULL) {
    throw_type(env, "not an EchoCanceller");
    return NULL;
  }
  if (!a->destroyed) {
    a->destroyed = 1;
    free_states(a);
  }
  return NULL;
}

/* ---- construction ------------------------------------------------------------------------- */

static int define_value(napi_env env, napi_value obj, const char *key, int value) {
  napi_value v;
  napi_property_descriptor d;
  if (napi_create_int32(env, value, &v) != napi_ok) return 0;
  memset(&d, 0, sizeof d);
  d.utf8name = key;
  d.value = v;
  d.attributes = napi_enumerable; /* read-only, not configurable */
  return napi_define_properties(env, obj, 1, &d) == napi_ok;
}

/* new EchoCanceller(sampleRate, frameSamples, filterLengthSamples, options?) — reached through create(). */
static napi_value Construct(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_value self, target;
  napi_valuetype t;
  int rate, frame, filter, res = 1, ns = 0, delay = DEFAULT_DELAY_FRAMES;
  Aec *a;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, &self, NULL), NULL);
  CALL(env, napi_get_new_target(env, info, &target), NULL);
  if (target == NULL) {
    throw_type(env, "EchoCanceller must be constructed with new (use create())");
    return NULL;
  }
  if (argc < 3) {
    throw_type(env, "create(sampleRate, frameSamples, filterLengthSamples, options?) needs three numbers");
    return NULL;
  }
  if (!get_int(env, argv[0], "sampleRate must be a number", "sampleRate must be an integer from 8000 to 48000", MIN_RATE, MAX_RATE, &rate)) return NULL;
  if (!get_int(env, argv[1], "frameSamples must be a number", "frameSamples must be an integer from 40 to 2048", MIN_FRAME, MAX_FRAME, &frame)) return NULL;
  if (!smooth_frame(frame)) {
    throw_range(env, "frameSamples must have no prime factor other than 2, 3, 5 and 7 (e.g. 10 or 20 ms at 8/16/32/44.1/48 kHz)");
    return NULL;
  }
  if (!get_int(env, argv[2], "filterLengthSamples must be a number", "filterLengthSamples must be an integer from frameSamples to 65536 and at most one second", frame, MAX_FILTER, &filter)) return NULL;
  if (filter > rate) {
    throw_range(env, "filterLengthSamples must be at most one second of audio");
    return NULL;
  }
  if (argc >= 4) {
    CALL(env, napi_typeof(env, argv[3], &t), NULL);
    if (t == napi_object) {
      napi_value v;
      napi_valuetype vt;
      if (!get_opt_bool(env, argv[3], "residualEchoSuppression", "options.residualEchoSuppression must be a boolean", &res)) return NULL;
      if (!get_opt_bool(env, argv[3], "noiseSuppression", "options.noiseSuppression must be a boolean", &ns)) return NULL;
      CALL(env, napi_get_named_property(env, argv[3], "delayFrames", &v), NULL);
      CALL(env, napi_typeof(env, v, &vt), NULL);
      if (vt != napi_undefined && !get_int(env, v, "options.delayFrames must be a number", "options.delayFrames must be an integer from 0 to 32", 0, MAX_DELAY_FRAMES, &delay)) return NULL;
    } else if (t != napi_undefined) {
      throw_type(env, "options must be an object");
      return NULL;
    }
  }

  a = (Aec *)calloc(1, sizeof(Aec));
  if (a == NULL) {
    napi_throw_error(env, "ERR_AEC_NO_MEMORY", "out of memory");
    return NULL;
  }
  a->rate = rate;
  a->frame = frame;
  a->filter = filter;
  a->delay_frames = delay;
  a->residual_echo = res;
  a->noise = ns;
  a->echo = speex_echo_state_init(frame, filter);
  a->ring_frames = delay + 1 + RING_EXTRA;
  a->ring = (spx_int16_t *)calloc((size_t)frame * (size_t)a->ring_frames, sizeof(spx_int16_t));
  a->near_copy = (spx_int16_t *)calloc((size_t)frame, sizeof(spx_int16_t));
  a->silence = (spx_int16_t *)calloc((size_t)frame, sizeof(spx_int16_t));
  if (a->echo == NULL || a->ring == NULL || a->near_copy == NULL || a->silence == NULL) {
    finalize(env, a, NULL);
    napi_throw_error(env, "ERR_AEC_NO_MEMORY", "out of memory");
    return NULL;
  }
  speex_echo_ctl(a->echo, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
  if (!make_preprocessor(a)) {
    finalize(env, a, NULL);
    napi_throw_error(env, "ERR_AEC_NO_MEMORY", "out of memory");
    return NULL;
  }
  reset_ring(a);
  if (napi_wrap(env, self, a, finalize, NULL, NULL) != napi_ok) {
    finalize(env, a, NULL);
    throw_last_error(env);
    return NULL;
  }
  if (!define_value(env, self, "sampleRate", rate) || !define_value(env, self, "frameSamples", frame) ||
      !define_value(env, self, "filterLength", filter) || !define_value(env, self, "delayFrames", delay)) {
    throw_last_error(env);
    return NULL;
  }
  return self;
}

static napi_value Create(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_value ctor, instance;
  AddonData *data = NULL;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, (void **)&data), NULL);
  CALL(env, napi_get_reference_value(env, data->ctor, &ctor), NULL);
  if (napi_new_instance(env, ctor, argc, argv, &instance) != napi_ok) {
    throw_last_error(env);
    return NULL;
  }
  return instance;
}

static void free_addon_data(napi_env env, void *data, void *hint) {
  AddonData *d = (AddonData *)data;
  (void)hint;
  if (d == NULL) return;
  napi_delete_reference(env, d->ctor);
  free(d);
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value ctor, create_fn, version;
  AddonData *data;
  napi_property_descriptor methods[] = {
      {"playback", NULL, Playback, NULL, NULL, NULL, napi_default, NULL},
      {"capture", NULL, Capture, NULL, NULL, NULL, napi_default, NULL},
      {"reset", NULL, Reset, NULL, NULL, NULL, napi_default, NULL},
      {"stats", NULL, Stats, NULL, NULL, NULL, napi_default, NULL},
      {"destroy", NULL, Destroy, NULL, NULL, NULL, napi_default, NULL},
  };
  data = (AddonData *)calloc(1, sizeof(AddonData));
  if (data == NULL) {
    napi_throw_error(env, "ERR_AEC_NO_MEMORY", "out of memory");
    return NULL;
  }
  if (napi_set_instance_data(env, data, free_addon_data, NULL) != napi_ok) {
    free(data);
    throw_last_error(env);
    return NULL;
  }
  CALL(env, napi_define_class(env, "EchoCanceller", NAPI_AUTO_LENGTH, Construct, NULL, sizeof methods / sizeof methods[0], methods, &ctor), NULL);
  CALL(env, napi_create_reference(env, ctor, 1, &data->ctor), NULL);
  CALL(env, napi_create_function(env, "create", NAPI_AUTO_LENGTH, Create, data, &create_fn), NULL);
  CALL(env, napi_set_named_property(env, exports, "create", create_fn), NULL);
  CALL(env, napi_create_string_utf8(env, "speexdsp 1.2.1", NAPI_AUTO_LENGTH, &version), NULL);
  CALL(env, napi_set_named_property(env, exports, "speexdspVersion", version), NULL);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
