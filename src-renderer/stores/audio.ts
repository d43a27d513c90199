import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { InferInput, InferOutput } from 'valibot';
import type { AudioChooseSchema, AudioDevicesView, MicLevelSchema, MicTestResultSchema } from '../../src-shared/model/audio';
import { useApi } from '../bridge';
import { toShownProblem, type ShownProblem } from './problem';

/** `audio.choose`: a device id (null: the system default), or settings; a missing key keeps the current choice. */
export type AudioChoice = InferInput<typeof AudioChooseSchema>;
export type MicLevel = InferOutput<typeof MicLevelSchema>;
export type MicTestResult = InferOutput<typeof MicTestResultSchema>;

export type ToneTarget = 'speaker' | 'ring';

/** −100 dBFS is silence on every meter of the phone. */
export const SILENCE_DBFS = -100;

/**
 * Sound devices and the choice of them, a projection of main's audio service: devices come and go
 * as main says (`audio.changed`); the microphone test's meter arrives as `audio.micLevel` events.
 */
export const useAudioStore = defineStore('audio', () => {
  const view = ref<AudioDevicesView | null>(null);
  const error = ref<ShownProblem | null>(null);
  const micTesting = ref(false);
  const micLevel = ref<MicLevel>({ rmsDbfs: SILENCE_DBFS, peakDbfs: SILENCE_DBFS, clipped: false });
  const micResult = ref<MicTestResult | null>(null);
  /** Which test tone is playing (the request resolves when it is done). */
  const playing = ref<ToneTarget | null>(null);

  const microphones = computed(() => view.value?.devices.filter((d) => d.inputs > 0) ?? []);
  const speakers = computed(() => view.value?.devices.filter((d) => d.outputs > 0) ?? []);
  const pairs = computed(() => view.value?.pairs ?? []);
  const preferences = computed(() => view.value?.preferences ?? null);

  async function init(): Promise<void> {
    const api = useApi();
    api.events.audio.changed((next) => {
      view.value = next;
    });
    api.events.audio.micLevel((level) => {
      if (micTesting.value) micLevel.value = level;
    });
    try {
      view.value = await api.requests.audio.list({});
    } catch (e) {
      error.value = toShownProblem(e);
    }
  }

  async function choose(patch: AudioChoice): Promise<void> {
    try {
      error.value = null;
      view.value = await useApi().requests.audio.choose(patch);
    } catch (e) {
      error.value = toShownProblem(e);
    }
  }

  async function testTone(target: ToneTarget): Promise<void> {
    if (playing.value !== null) return;
    playing.value = target;
    try {
      error.value = null;
      await useApi().requests.audio.testTone({ target });
    } catch (e) {
      error.value = toShownProblem(e);
    } finally {
      playing.value = null;
    }
  }

  /** Listens to the microphone for a moment; the meter moves meanwhile, then the result says whether it heard anything. */
  async function testMicrophone(): Promise<void> {
    if (micTesting.value) return;
    micTesting.value = true;
    micResult.value = null;
    micLevel.value = { rmsDbfs: SILENCE_DBFS, peakDbfs: SILENCE_DBFS, clipped: false };
    try {
      error.value = null;
      micResult.value = await useApi().requests.audio.testMicrophone({});
    } catch (e) {
      error.value = toShownProblem(e);
    } finally {
      micTesting.value = false;
      micLevel.value = { rmsDbfs: SILENCE_DBFS, peakDbfs: SILENCE_DBFS, clipped: false };
    }
  }

  function dismissError(): void {
    error.value = null;
  }

  return { view, error, micTesting, micLevel, micResult, playing, microphones, speakers, pairs, preferences, init, choose, testTone, testMicrophone, dismissError };
});
