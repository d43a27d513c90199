/** Every fuzz target (DESIGN.md rule 5), in the order `npm run fuzz` runs them. */
import type { FuzzTarget } from './target.js';
import { sipFramerTarget, sipMessageTarget } from './targets/sip-message.js';
import { digestTarget, dtmfInfoTarget, messageSummaryTarget, replacesTarget, sipfragTarget, sipUriTarget } from './targets/sip-values.js';
import { comfortNoiseTarget, g711Target, g722Target, opusTarget, rtcpTarget, rtpTarget, sdesCryptoTarget, sdpTarget, telephoneEventTarget } from './targets/media.js';
import { srtpAuthenticatedTarget, srtpTarget } from './targets/srtp.js';
import { certificateTarget, dnsAnswersTarget, hostPortTarget, ocspTarget, wavTarget } from './targets/platform.js';
import { ipcFrameTarget } from './targets/ipc.js';

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  sipMessageTarget,
  sipFramerTarget,
  sipUriTarget,
  digestTarget,
  messageSummaryTarget,
  sipfragTarget,
  replacesTarget,
  dtmfInfoTarget,
  sdpTarget,
  sdesCryptoTarget,
  rtpTarget,
  rtcpTarget,
  telephoneEventTarget,
  comfortNoiseTarget,
  srtpTarget,
  srtpAuthenticatedTarget,
  g711Target,
  g722Target,
  opusTarget,
  wavTarget,
  certificateTarget,
  ocspTarget,
  dnsAnswersTarget,
  hostPortTarget,
  ipcFrameTarget,
];

export function findTargets(names: readonly string[]): FuzzTarget[] {
  if (names.length === 0) return [...FUZZ_TARGETS];
  return names.map((n) => {
    const t = FUZZ_TARGETS.find((x) => x.name === n);
    if (t === undefined) throw new Error(`unknown fuzz target ${n} (known: ${FUZZ_TARGETS.map((x) => x.name).join(', ')})`);
    return t;
  });
}
