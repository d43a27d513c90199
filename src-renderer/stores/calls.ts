import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CallAction, CallQualityView, CallView, LevelsView } from '../../src-shared/model/call';
import { isRingingIncoming } from '../../src-shared/model/call-commands';
import { useApi } from '../bridge';
import { fromProblem, toShownProblem, type ShownProblem } from './problem';

/** How long an ended call stays on screen with its end reason. */
export const ENDED_LINGER_MS = 2500;

/** A call is "up" (talking, on hold, transferring): it is not ringing, dialling or over. */
export function isUp(c: CallView): boolean {
  return c.state === 'active' || c.state === 'held' || c.state === 'remote-held' || c.state === 'transferring';
}

/** A ringing incoming call (the rule main's shell uses too). */
export const isIncomingRinging = isRingingIncoming;

export function can(c: CallView | null | undefined, action: CallAction): boolean {
  return c !== null && c !== undefined && c.actions.includes(action);
}

/**
 * The calls in progress, a projection of main's CallsService: main says what each call allows
 * (`actions`); this store never re-derives SIP rules. Ended calls linger a moment with their reason.
 */
export const useCallsStore = defineStore('calls', () => {
  const live = ref<CallView[]>([]);
  const ended = ref<CallView[]>([]);
  const quality = ref<Record<string, CallQualityView>>({});
  const levels = ref<Record<string, LevelsView>>({});
  const lastDtmf = ref<{ callId: string; digit: string } | null>(null);
  const problem = ref<(ShownProblem & { callId: string | null }) | null>(null);
  /** The call the panel shows, when the person chose one. */
  const chosenId = ref<string | null>(null);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const calls = computed<CallView[]>(() => [...live.value, ...ended.value.filter((e) => !live.value.some((l) => l.id === e.id))]);
  const incoming = computed(() => live.value.filter(isIncomingRinging));
  /** The calls the phone view shows (a ringing incoming call is the banner's, until answered). */
  const shown = computed(() => calls.value.filter((c) => !isIncomingRinging(c)));
  /** The calls in progress the list offers to switch between (ended ones only linger in the panel). */
  const ongoing = computed(() => live.value.filter((c) => !isIncomingRinging(c)));
  const upCalls = computed(() => live.value.filter(isUp));
  /** The call in front: the chosen one, else the one talking, else a call being set up, else the newest. */
  const current = computed<CallView | null>(() => {
    const all = shown.value;
    const chosen = all.find((c) => c.id === chosenId.value);
    if (chosen !== undefined) return chosen;
    return all.find((c) => c.state === 'active') ?? all.find((c) => c.direction === 'outgoing' && c.state !== 'ended') ?? all.find(isUp) ?? all.find((c) => c.state !== 'ended') ?? all[all.length - 1] ?? null;
  });

  function apply(list: readonly CallView[]): void {
    const now = list.filter((c) => c.state !== 'ended');
    for (const c of list) if (c.state === 'ended') linger(c);
    // A call that vanished without an ended frame (should not happen) goes too.
    live.value = now;
    for (const id of new Set([...Object.keys(quality.value), ...Object.keys(levels.value)])) if (!now.some((c) => c.id === id)) drop(id);
    if (chosenId.value !== null && !now.some((c) => c.id === chosenId.value)) chosenId.value = null;
  }

  function linger(c: CallView): void {
    ended.value = [...ended.value.filter((e) => e.id !== c.id), c];
    clearTimeout(timers.get(c.id));
    timers.set(
      c.id,
      setTimeout(() => {
        ended.value = ended.value.filter((e) => e.id !== c.id);
        timers.delete(c.id);
      }, ENDED_LINGER_MS),
    );
  }

  function drop(id: string): void {
    const { [id]: _q, ...q } = quality.value;
    const { [id]: _l, ...l } = levels.value;
    quality.value = q;
    levels.value = l;
  }

  async function init(): Promise<void> {
    const api = useApi();
    api.events.calls.changed(({ calls: list }) => apply(list));
    api.events.calls.quality((q) => {
      quality.value = { ...quality.value, [q.callId]: q };
    });
    api.events.calls.levels((l) => {
      levels.value = { ...levels.value, [l.callId]: l };
    });
    api.events.calls.dtmfReceived((d) => {
      lastDtmf.value = { callId: d.callId, digit: d.digit };
    });
    api.events.calls.problem((p) => {
      problem.value = { ...fromProblem(p.problem), callId: p.callId };
    });
    apply((await api.requests.calls.list({})).calls);
  }

  async function run(callId: string | null, action: () => Promise<unknown>): Promise<boolean> {
    problem.value = null;
    try {
      await action();
      return true;
    } catch (e) {
      problem.value = { ...toShownProblem(e), callId };
      return false;
    }
  }

  async function dial(target: string, accountId?: string): Promise<CallView | null> {
    problem.value = null;
    try {
      const call = await useApi().requests.calls.dial({ target, ...(accountId === undefined ? {} : { accountId }) });
      chosenId.value = null;
      if (!live.value.some((c) => c.id === call.id)) live.value = [...live.value, call];
      return call;
    } catch (e) {
      problem.value = { ...toShownProblem(e), callId: null };
      return null;
    }
  }

  const api = () => useApi().requests.calls;
  const answer = (callId: string) => run(callId, () => api().answer({ callId })).then((ok) => (ok && (chosenId.value = null), ok));
  const decline = (callId: string, reason: 'busy' | 'decline' = 'decline') => run(callId, () => api().decline({ callId, reason }));
  const hangup = (callId: string) => run(callId, () => api().hangup({ callId }));
  const hold = (callId: string) => run(callId, () => api().hold({ callId }));
  const resume = (callId: string) => run(callId, () => api().resume({ callId }));
  const setMuted = (callId: string, muted: boolean) => run(callId, () => api().setMuted({ callId, muted }));
  const sendDtmf = (callId: string, digits: string) => run(callId, () => api().sendDtmf({ callId, digits }));
  const transfer = (callId: string, target: string) => run(callId, () => api().transfer({ callId, target }));
  const completeTransfer = (callId: string, consultCallId: string) => run(callId, () => api().completeTransfer({ callId, consultCallId }));
  const setDevices = (callId: string, devices: { captureDeviceId?: string | null; playbackDeviceId?: string | null }) => run(callId, () => api().setDevices({ callId, ...devices }));

  async function consult(callId: string, target: string): Promise<CallView | null> {
    problem.value = null;
    try {
      const call = await api().consult({ callId, target });
      chosenId.value = call.id;
      return call;
    } catch (e) {
      problem.value = { ...toShownProblem(e), callId };
      return null;
    }
  }

  async function swap(callId: string): Promise<boolean> {
    const ok = await run(callId, () => api().swap({ callId }));
    if (ok) chosenId.value = callId;
    return ok;
  }

  /** Shows a call in the panel without changing it (a held call stays held until Swap). */
  function choose(callId: string | null): void {
    chosenId.value = callId;
  }

  function clearProblem(): void {
    problem.value = null;
  }

  return {
    calls,
    shown,
    ongoing,
    live,
    incoming,
    upCalls,
    current,
    quality,
    levels,
    lastDtmf,
    problem,
    init,
    dial,
    answer,
    decline,
    hangup,
    hold,
    resume,
    setMuted,
    sendDtmf,
    transfer,
    consult,
    completeTransfer,
    swap,
    setDevices,
    choose,
    clearProblem,
  };
});
