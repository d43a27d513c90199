/**
 * The Replaces header (RFC 3891) for attended transfer: `call-id;to-tag=X;from-tag=Y`, where the
 * tags are as seen by the UA that receives the INVITE with Replaces (to-tag = its local tag).
 */
import type { DialogId } from '../dialog/dialog-id.js';

export interface ReplacesTarget {
  readonly callId: string;
  readonly toTag: string;
  readonly fromTag: string;
  readonly earlyOnly: boolean;
}

/** Replaces value for a dialog we hold with the transfer target (our dialog id): to-tag = their tag. */
export function replacesForDialog(id: DialogId): string {
  return `${id.callId};to-tag=${id.remoteTag};from-tag=${id.localTag}`;
}

export function parseReplaces(value: string): ReplacesTarget | undefined {
  const parts = value.split(';').map((p) => p.trim());
  const callId = parts.shift();
  if (callId === undefined || callId === '') return undefined;
  let toTag: string | undefined;
  let fromTag: string | undefined;
  let earlyOnly = false;
  for (const p of parts) {
    const [k, v] = p.split('=').map((s) => s.trim());
    if (k === undefined) continue;
    if (k.toLowerCase() === 'to-tag') toTag = v;
    else if (k.toLowerCase() === 'from-tag') fromTag = v;
    else if (k.toLowerCase() === 'early-only') earlyOnly = true;
  }
  return toTag === undefined || fromTag === undefined ? undefined : { callId, toTag, fromTag, earlyOnly };
}
