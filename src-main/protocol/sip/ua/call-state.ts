/**
 * What a call shows the layers above (RFC 3261 §13–§15 call phases, RFC 3264 §8.4 hold, RFC 3515
 * transfer): its state, its events and the errors of its actions — codes and wire data only, no
 * sentences (DESIGN.md "codes, not sentences, below services").
 */
import type { NameAddr } from '../message/name-addr.js';
import type { EndReason } from './end-reason.js';
import type { SdpFailure } from './sdp-handler.js';

export type CallDirection = 'outgoing' | 'incoming';

/** Why a re-INVITE of ours is in flight. */
export type CallChange = 'hold' | 'resume' | 'refresh';

/** The kind of transfer we asked for with REFER. */
export type TransferMode = 'blind' | 'attended';

export type CallState =
  /** Outgoing INVITE sent, no provisional yet. */
  | { readonly kind: 'calling' }
  /** Outgoing, 18x seen; earlyMedia when a provisional carried the answer. */
  | { readonly kind: 'ringing'; readonly status: number; readonly earlyMedia: boolean }
  /** Outgoing, we sent (or queued, §9.1) a CANCEL. */
  | { readonly kind: 'cancelling' }
  /** Incoming INVITE not answered yet. */
  | { readonly kind: 'incoming' }
  /** Incoming: 200 sent, waiting for the ACK. */
  | { readonly kind: 'answering' }
  | {
      readonly kind: 'active';
      readonly localHold: boolean;
      readonly remoteHold: boolean;
      /** A re-INVITE of ours is in flight (or waiting out glare, §14.1). */
      readonly change?: CallChange;
      /** Our REFER is in flight / waiting for the final NOTIFY. */
      readonly transfer?: TransferMode;
    }
  | { readonly kind: 'ended'; readonly reason: EndReason };

export type CallActionErrorCode = 'not-ringing' | 'not-connected' | 'change-pending' | 'transfer-pending' | 'no-connection' | 'invalid-digit' | 'media-failed';

export interface CallActionError {
  readonly code: CallActionErrorCode;
  /** The media's failure, for media-failed. */
  readonly media?: SdpFailure;
}

export type CallErrorCode = 'hold-refused' | 'resume-refused' | 'hold-answer-unusable' | 'dtmf-info-refused' | 'transfer-refused';

export type CallEvent =
  | { readonly kind: 'state'; readonly state: CallState }
  | { readonly kind: 'dtmf'; readonly digit: string; readonly durationMs: number; readonly via: 'info' }
  /** The peer asks us to call someone else (RFC 3515); the UA decides and reports progress. */
  | { readonly kind: 'refer'; readonly referTo: NameAddr; readonly replaces?: string; readonly referredBy?: string }
  /** Progress of a transfer we asked for (NOTIFY message/sipfrag, or the REFER's own failure). */
  | { readonly kind: 'transfer-progress'; readonly status: number; readonly reasonPhrase: string }
  /** Something failed without ending the call; codes only. */
  | { readonly kind: 'error'; readonly code: CallErrorCode; readonly status?: number };

/** True when two states show the same thing (a 'state' event is emitted only on a change). */
export function sameCallState(a: CallState, b: CallState): boolean {
  switch (a.kind) {
    case 'calling':
    case 'cancelling':
    case 'incoming':
    case 'answering':
      return a.kind === b.kind;
    case 'ringing':
      return b.kind === 'ringing' && a.status === b.status && a.earlyMedia === b.earlyMedia;
    case 'active':
      return b.kind === 'active' && a.localHold === b.localHold && a.remoteHold === b.remoteHold && a.change === b.change && a.transfer === b.transfer;
    case 'ended':
      return b.kind === 'ended' && a.reason === b.reason;
  }
}
