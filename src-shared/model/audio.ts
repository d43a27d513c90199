import * as v from 'valibot';

export const AudioDeviceViewSchema = v.object({
  id: v.string(),
  name: v.string(),
  hostApi: v.string(),
  inputs: v.number(),
  outputs: v.number(),
  isDefaultInput: v.boolean(),
  isDefaultOutput: v.boolean(),
});
export type AudioDeviceView = v.InferOutput<typeof AudioDeviceViewSchema>;

/** A microphone and speaker of one device (a headset), chosen with one click. */
export const AudioPairViewSchema = v.object({
  id: v.string(),
  name: v.string(),
  captureDeviceId: v.string(),
  playbackDeviceId: v.string(),
  headset: v.boolean(),
  isDefault: v.boolean(),
});

export const AudioPreferencesViewSchema = v.object({
  /** null: follow the system default. */
  captureDeviceId: v.nullable(v.string()),
  playbackDeviceId: v.nullable(v.string()),
  /** null: ring on the speaker. */
  ringDeviceId: v.nullable(v.string()),
  echoCancellation: v.boolean(),
  inputGainDb: v.number(),
  outputGainDb: v.number(),
});
export type AudioPreferencesView = v.InferOutput<typeof AudioPreferencesViewSchema>;

export const AudioDevicesViewSchema = v.object({
  /** portaudio, file, null. */
  backend: v.string(),
  devices: v.array(AudioDeviceViewSchema),
  pairs: v.array(AudioPairViewSchema),
  preferences: AudioPreferencesViewSchema,
});
export type AudioDevicesView = v.InferOutput<typeof AudioDevicesViewSchema>;

const DeviceId = v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(256)));
const Gain = v.pipe(v.number(), v.minValue(-60), v.maxValue(20));

/** `audio.choose`: a device id, null for the system default; a missing key keeps the current choice. */
export const AudioChooseSchema = v.strictObject({
  captureDeviceId: v.optional(DeviceId),
  playbackDeviceId: v.optional(DeviceId),
  ringDeviceId: v.optional(DeviceId),
  echoCancellation: v.optional(v.boolean()),
  inputGainDb: v.optional(Gain),
  outputGainDb: v.optional(Gain),
  /** One click: this device pair for both directions. */
  pairId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(600))),
});
export const TestToneSchema = v.strictObject({
  /** The speaker to test (default: the chosen one); `ring` tests the ringing device with the ringtone. */
  target: v.optional(v.picklist(['speaker', 'ring']), 'speaker'),
  durationMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(200), v.maxValue(10_000)), 2000),
});
export const MicTestSchema = v.strictObject({
  durationMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(200), v.maxValue(10_000)), 3000),
});
/** The microphone test result (its live meter arrives as `audio.micLevel` events). */
export const MicTestResultSchema = v.object({ deviceId: v.string(), rmsDbfs: v.number(), peakDbfs: v.number(), clipped: v.boolean(), heard: v.boolean() });
export const MicLevelSchema = v.object({ rmsDbfs: v.number(), peakDbfs: v.number(), clipped: v.boolean() });
