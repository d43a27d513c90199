import type { Problem } from '../../src-shared/ipc/errors.js';
import { problem } from '../services/problems/problem-catalog.js';
import { connectionProblem } from '../services/phone/connection-problem.js';
import type { PhoneEvent } from '../services/phone/phone-service.js';
import { endReasonWords } from '../services/phone/views/end-reason-words.js';
import { hopWarning, MEDIA_WARNING_WORDS } from '../services/phone/views/security-words.js';
import { skippedWords } from '../services/phone/views/registration-view.js';

/** A failure as a CLI `error` event: the code verbatim, the plain message, and the fix. */
export function problemEvent(p: Problem, extra: Readonly<Record<string, unknown>> = {}): CliEvent {
  return { event: 'error', ...extra, code: p.code, message: p.message, ...(p.hint === null ? {} : { hint: p.hint }) };
}

/**
 * The CLI's event vocabulary (JSON lines under --json): registered, unregistered, connected,
 * incoming, ringing, answered, media, audio, held, dtmf, transfer, stats, mwi, ended, error.
 * Plain objects only: no key material, passwords or raw SIP ever reach stdout.
 */
export type CliEvent = { readonly event: string } & Readonly<Record<string, unknown>>;

export class CliEventMapper {
  private readonly answered = new Set<string>();
  private readonly holdState = new Map<string, string>();

  map(e: PhoneEvent): CliEvent[] {
    switch (e.type) {
      case 'connection': {
        const s = e.state;
        if (s.kind === 'connected') {
          const warning = hopWarning(s.weakness, s.transport);
          return [{ event: 'connected', account: e.accountId, transport: s.transport, remote: s.remote, secureForSdes: s.sdesAllowed, ...(warning === null ? {} : { warning }), ...(s.skipped.length === 0 ? {} : { skipped: s.skipped.map(skippedWords) }) }];
        }
        if (s.kind === 'failed') return [problemEvent(connectionProblem(s), { account: e.accountId, ...(s.retryInMs === undefined ? {} : { retryInMs: s.retryInMs }), ...(s.skipped.length === 0 ? {} : { skipped: s.skipped.map(skippedWords) }) })];
        return [];
      }
      case 'registration': {
        const s = e.state;
        if (s.kind === 'registered') return [{ event: 'registered', account: e.accountId, expires: s.expires, contact: s.contact }];
        if (s.kind === 'unregistered') return [{ event: 'unregistered', account: e.accountId }];
        if (s.kind === 'failed') return [problemEvent(problem(`registration-${s.code}`, { status: s.status, ...(s.reasonPhrase === undefined ? {} : { reasonPhrase: s.reasonPhrase }) }), { account: e.accountId, status: s.status, retryInMs: s.retryInMs, ...(s.digestCode === undefined ? {} : { digestCode: s.digestCode }) })];
        return [];
      }
      case 'call': {
        const c = e.call;
        const base = { call: c.callId, account: c.accountId, direction: c.direction, remote: c.remote };
        const s = e.state;
        switch (s.kind) {
          case 'incoming':
            return [{ event: 'incoming', ...base, ...(c.remoteName === undefined ? {} : { remoteName: c.remoteName }) }];
          case 'ringing':
            return [{ event: 'ringing', ...base, status: s.status, earlyMedia: s.earlyMedia }];
          case 'active': {
            const out: CliEvent[] = [];
            if (!this.answered.has(c.callId)) {
              this.answered.add(c.callId);
              out.push({ event: 'answered', ...base });
            }
            const hold = `${s.localHold}/${s.remoteHold}`;
            if ((this.holdState.get(c.callId) ?? 'false/false') !== hold) out.push({ event: 'held', ...base, local: s.localHold, remote: s.remoteHold });
            this.holdState.set(c.callId, hold);
            return out;
          }
          case 'ended': {
            this.answered.delete(c.callId);
            this.holdState.delete(c.callId);
            const r = s.reason;
            return [
              {
                event: 'ended',
                ...base,
                reason: r.code,
                ...(r.status === undefined ? {} : { status: r.status }),
                text: endReasonWords(r.code, c.direction, r.status),
                ...(r.peerText === undefined ? {} : { peerText: r.peerText }),
                ...(r.cause === undefined ? {} : { cause: r.cause }),
                ...(r.mediaCode === undefined ? {} : { mediaCode: r.mediaCode }),
              },
            ];
          }
          default:
            return [];
        }
      }
      case 'media':
        return [
          {
            event: 'media',
            call: e.call.callId,
            srtp: e.media.srtp,
            ...(e.media.suite === undefined ? {} : { suite: e.media.suite }),
            ...(e.media.codec === undefined ? {} : { codec: e.media.codec }),
            direction: e.media.direction,
            outcome: e.media.report.outcome,
            summary: e.media.report.summary,
            ...(e.media.report.warnings.length === 0 ? {} : { warnings: e.media.report.warnings.map((w) => MEDIA_WARNING_WORDS[w.code]) }),
          },
        ];
      case 'levels':
        return []; // meters are for the UI: ten a second would drown the CLI's events
      case 'audio-devices': {
        const d = e.devices;
        return [{ event: 'audio', call: e.call.callId, backend: d.backend, ...(d.capture === undefined ? {} : { capture: d.capture }), ...(d.playback === undefined ? {} : { playback: d.playback }), echoCancellation: d.echoCancellation }];
      }
      case 'dtmf':
        return [{ event: 'dtmf', call: e.call.callId, digit: e.digit, via: e.via }];
      case 'transfer':
        return [{ event: 'transfer', call: e.call.callId, status: e.status, reason: e.reasonPhrase }];
      case 'stats':
        return [{ event: 'stats', call: e.call.callId, ...e.stats }];
      case 'mwi':
        return [{ event: 'mwi', account: e.accountId, waiting: e.summary.waiting, newMessages: e.summary.newMessages, oldMessages: e.summary.oldMessages }];
      case 'history':
      case 'call-updated':
        return [];
      case 'problem':
        return [problemEvent(e.problem, { ...(e.accountId === undefined ? {} : { account: e.accountId }), ...(e.callId === undefined ? {} : { call: e.callId }) })];
    }
  }
}

/** One human-readable line per event (without --json). */
export function formatCliEvent(e: CliEvent): string {
  const { event, ...rest } = e;
  const parts = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${event.padEnd(12)} ${parts.join(' ')}`;
}
