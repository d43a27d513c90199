/**
 * RegistrationView: one account's live state for the accounts list, from its connection (the flow,
 * platform/net) and its registration (RFC 3261 §10 client), with the TLS details of the flow and
 * the typed failure in words. A refresh of a live registration stays `registered`.
 */
import type { FlowView, RegistrationView } from '../../../../src-shared/model/registration.js';
import type { CertificateReport } from '../../../platform/tls/certificate-report.js';
import type { RegistrationState } from '../../../protocol/sip/ua/registration-client.js';
import { problem } from '../../problems/problem-catalog.js';
import { connectionProblem } from '../connection-problem.js';
import type { ConnectionState, SkippedServer } from '../ports.js';
import { hopWarning } from './security-words.js';
import { certificateExpiryOf } from './certificate-view.js';

export interface RegistrationInputs {
  readonly accountId: string;
  readonly enabled: boolean;
  /** false: a call-only account (no REGISTER). */
  readonly registers: boolean;
  readonly connection: ConnectionState | undefined;
  readonly registration: RegistrationState | undefined;
  /** The last successful registration, so a refresh in flight still shows as registered. */
  readonly lastRegistered: Extract<RegistrationState, { kind: 'registered' }> | undefined;
  readonly report: CertificateReport | undefined;
  /** When the connection or registration last changed (Clock ms, wall time). */
  readonly since: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function skippedWords(s: SkippedServer): string {
  const host = s.address.includes(':') ? `[${s.address}]` : s.address;
  return `${host}:${s.port} (${s.hostname}): ${problem(s.code).message}`;
}

export function flowView(c: Extract<ConnectionState, { kind: 'connected' }>, report: CertificateReport | undefined): FlowView {
  const tls = c.transport === 'tls';
  const level = !tls ? 'plaintext' : report?.verdict.level === 'weaker' ? 'weaker' : report?.verdict.level === 'insecure' ? 'insecure' : 'secure';
  return {
    transport: c.transport,
    remote: c.remote,
    tlsVersion: tls ? (report?.protocol ?? null) : null,
    cipher: tls && report?.cipher !== undefined ? (report.cipher.standardName ?? report.cipher.name) : null,
    verification: tls ? (report?.mode ?? null) : null,
    level,
    warning: hopWarning(c.weakness, c.transport),
    keysAllowed: c.sdesAllowed,
    skipped: c.skipped.map(skippedWords),
  };
}

export function toRegistrationView(i: RegistrationInputs): RegistrationView {
  const base: RegistrationView = { accountId: i.accountId, state: 'unregistered', since: iso(i.since), expiresAt: null, expiresSeconds: null, flow: null, failure: null, nextRetryAt: null, progress: null, certificateExpiry: certificateExpiryOf(i.report) };
  const c = i.connection;
  if (!i.enabled || c === undefined || c.kind === 'stopped') return { ...base, progress: i.enabled ? null : 'Disabled' };
  if (c.kind === 'connecting') {
    const progress = c.phase === 'resolving' ? 'Looking up the server…' : `Connecting to ${c.address.includes(':') ? `[${c.address}]` : c.address}:${c.port}${c.of > 1 ? ` (${c.index + 1} of ${c.of})` : ''}…`;
    return { ...base, state: 'connecting', progress };
  }
  if (c.kind === 'failed') {
    const failure = connectionProblem(c);
    const skipped = c.skipped.length > 1 ? { ...failure, detail: { ...(failure.detail ?? {}), servers: c.skipped.map(skippedWords).join('; ').slice(0, 500) } } : failure;
    return { ...base, state: 'failed', failure: skipped, nextRetryAt: c.retryInMs === undefined ? null : iso(i.since + c.retryInMs) };
  }
  const flow = flowView(c, i.report);
  const r = i.registration;
  if (!i.registers) return { ...base, flow, progress: 'Ready for outgoing calls (this account does not register).' };
  const registered = (reg: Extract<RegistrationState, { kind: 'registered' }>): RegistrationView => ({
    ...base,
    state: 'registered',
    since: iso(reg.registeredAt),
    expiresAt: iso(reg.registeredAt + reg.expires * 1000),
    expiresSeconds: reg.expires,
    flow,
  });
  switch (r?.kind) {
    case undefined:
    case 'unregistered':
      return { ...base, state: 'connecting', flow, progress: 'Registering…' };
    case 'registering':
      return r.refresh && i.lastRegistered !== undefined ? registered(i.lastRegistered) : { ...base, state: 'connecting', flow, progress: 'Registering…' };
    case 'registered':
      return registered(r);
    case 'failed':
      return {
        ...base,
        state: 'failed',
        flow,
        failure: problem(`registration-${r.code}`, { status: r.status, ...(r.reasonPhrase === undefined ? {} : { reasonPhrase: r.reasonPhrase.slice(0, 120) }) }),
        nextRetryAt: r.retryInMs === null ? null : iso(i.since + r.retryInMs),
      };
    case 'unregistering':
      return { ...base, flow, progress: 'Unregistering…' };
  }
}
