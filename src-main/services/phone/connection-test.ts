/**
 * The connection test of an account (the wizard before saving, and "Test" on an account):
 * DNS (RFC 3263) → TCP connect → TLS handshake and certificate verdict → REGISTER (digest) →
 * media (a local SDES offer against the account's policy over this connection), each step
 * streamed as it runs with its time and, on failure, the typed problem with its fix.
 *
 * The test uses its own connection and its own RFC 5626 instance id, so it never replaces or
 * removes the binding of the account it tests; it unregisters and closes when done.
 */
import type { Rng } from '../../base/rng.js';
import type { Clock } from '../../base/clock.js';
import { DisposableStore, type Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import { err, ok, type Result } from '../../base/result.js';
import type { CallMediaFactory } from '../../media/call-media.js';
import type { AccountConfig } from '../../../src-shared/model/account.js';
import type { TestResultView, TestStepView } from '../../../src-shared/model/connection-test.js';
import type { CertificateReportView } from '../../../src-shared/model/certificate.js';
import { TEST_STEPS } from '../../../src-shared/model/connection-test.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import { problem } from '../problems/problem-catalog.js';
import { AccountRuntime } from './account-runtime.js';
import { connectionProblem } from './connection-problem.js';
import { DeferredMedia } from './deferred-media.js';
import { mediaProblem } from './media-problem.js';
import type { ConnectionErrorCode, ConnectionState, SipConnectionFactory } from './ports.js';
import { toCertificateReportView } from './views/certificate-view.js';
import { skippedWords } from './views/registration-view.js';

type StepName = (typeof TEST_STEPS)[number];

export interface ConnectionTestDeps {
  readonly connections: SipConnectionFactory;
  readonly media: CallMediaFactory;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger: Logger;
  readonly userAgent: string;
  /** How long the connection (DNS, connect, TLS) may take; then REGISTER gets as long again. */
  readonly stepTimeoutMs?: number;
}

const DNS_CODES: readonly ConnectionErrorCode[] = ['dns-failure', 'no-targets', 'invalid-account'];
const CONNECT_CODES: readonly ConnectionErrorCode[] = ['connection-refused', 'connection-reset', 'host-unreachable', 'timeout', 'aborted', 'flow-closed'];
/** The handshake itself failed (no certificate verdict could be reached). */
const HANDSHAKE_CODES: readonly ConnectionErrorCode[] = [
  'protocol-version',
  'handshake-failure',
  'not-tls',
  'client-cert-required',
  'client-cert-rejected',
  'client-cert-invalid',
  'client-cert-password',
  'client-cert-unreadable',
  'insecure-not-allowed',
  'policy-violation',
];

/** Which step a connection failure belongs to. */
export function failedStep(code: ConnectionErrorCode): StepName {
  if (DNS_CODES.includes(code)) return 'dns';
  if (CONNECT_CODES.includes(code)) return 'connect';
  if (HANDSHAKE_CODES.includes(code)) return 'tls';
  return 'certificate';
}

/** The trace of a DNS failure (the resolver puts it in the error's detail). */
function traceOf(detail: Readonly<Record<string, unknown>> | undefined): string[] {
  const t = detail?.['trace'];
  const failures = detail?.['failures'];
  return [...(Array.isArray(t) ? t.map(String) : []), ...(Array.isArray(failures) ? failures.map((f) => `failed: ${String(f)}`) : [])];
}

function addressWords(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

interface RunningTest {
  readonly id: string;
  readonly steps: Map<StepName, TestStepView>;
  readonly started: Map<StepName, number>;
  readonly store: DisposableStore;
  cancelled: boolean;
  finish: (() => void) | undefined;
  /** Addresses tried so far by the connect step, in words. */
  tried: string[];
}

export class ConnectionTestService implements Disposable {
  private readonly stepEmitter = new Emitter<TestStepView>();
  private readonly finishedEmitter = new Emitter<TestResultView>();
  readonly onStep: Event<TestStepView> = this.stepEmitter.event;
  readonly onFinished: Event<TestResultView> = this.finishedEmitter.event;
  private readonly running = new Map<string, RunningTest>();
  private next = 1;

  constructor(private readonly deps: ConnectionTestDeps) {}

  /** Starts a test; its steps arrive as events after this returns the id. */
  start(config: AccountConfig): { testId: string } {
    const test: RunningTest = { id: `t${this.next++}`, steps: new Map(), started: new Map(), store: new DisposableStore(), cancelled: false, finish: undefined, tried: [] };
    this.running.set(test.id, test);
    // On the next turn, so that the caller has the id before the first step arrives.
    test.store.add(this.deps.clock.setTimer(0, () => void this.run(test, config)));
    return { testId: test.id };
  }

  cancel(testId: string): Result<void, Problem> {
    const t = this.running.get(testId);
    if (t === undefined) return err(problem('not-found', { what: 'connection test', id: testId }));
    t.cancelled = true;
    t.finish?.();
    return ok(undefined);
  }

  dispose(): void {
    for (const t of this.running.values()) {
      t.cancelled = true;
      t.finish?.();
      t.store.dispose();
    }
    this.running.clear();
    this.stepEmitter.dispose();
    this.finishedEmitter.dispose();
  }

  private step(t: RunningTest, step: StepName, status: TestStepView['status'], summary: string, extra: { problem?: Problem; report?: TestStepView['report']; details?: readonly string[] } = {}): void {
    if (status === 'running') t.started.set(step, this.deps.clock.monotonic());
    const began = t.started.get(step);
    const view: TestStepView = {
      testId: t.id,
      step,
      status,
      summary,
      durationMs: status === 'running' || status === 'skipped' || began === undefined ? null : Math.round(this.deps.clock.monotonic() - began),
      details: [...(extra.details ?? [])],
      problem: extra.problem ?? null,
      report: extra.report ?? null,
    };
    t.steps.set(step, view);
    this.stepEmitter.fire(view);
  }

  /** Ends the steps not done: a running one fails with `why`, the others are skipped. */
  private skipRest(t: RunningTest, why: string): void {
    const notRun = t.cancelled ? 'Not run: the test was cancelled.' : 'Not run: an earlier step failed.';
    for (const s of TEST_STEPS) {
      const current = t.steps.get(s);
      if (current?.status === 'running') this.step(t, s, 'failed', why, { problem: problem('cancelled') });
      else if (current === undefined) this.step(t, s, 'skipped', notRun);
    }
  }

  private finishTest(t: RunningTest): void {
    this.running.delete(t.id);
    t.store.dispose();
    const steps = TEST_STEPS.map((s) => t.steps.get(s)).filter((s): s is TestStepView => s !== undefined);
    this.finishedEmitter.fire({ testId: t.id, ok: !t.cancelled && steps.every((s) => s.status === 'passed' || s.status === 'skipped') && steps.some((s) => s.status === 'passed'), steps });
  }

  private async run(t: RunningTest, original: AccountConfig): Promise<void> {
    const config: AccountConfig = { ...original, mwi: false };
    const timeoutMs = this.deps.stepTimeoutMs ?? 15_000;
    this.step(t, 'dns', 'running', `Looking up ${config.outboundProxy ?? config.registrar ?? config.uri}…`);
    const created = await this.deps.connections.create(`test-${t.id}`, config);
    if (!created.ok) {
      const p = connectionProblem(created.error);
      this.step(t, failedStep(created.error.code), 'failed', p.message, { problem: p, details: traceOf(created.error.detail) });
      if (failedStep(created.error.code) !== 'dns') this.step(t, 'dns', 'skipped', 'Not run: the settings cannot be used.');
      this.skipRest(t, '');
      this.finishTest(t);
      return;
    }
    const connection = created.value;
    const runtime = new AccountRuntime(`test-${t.id}`, config, connection, {
      clock: this.deps.clock,
      rng: this.deps.rng,
      logger: this.deps.logger.child('test'),
      // A fresh instance id: the test's binding is its own (RFC 5626 §4.1), never the account's.
      instanceId: `urn:uuid:${uuidFrom(this.deps.rng)}`,
      userAgent: this.deps.userAgent,
      mediaForIncoming: () => new DeferredMedia(),
    });
    t.store.add({ dispose: () => runtime.dispose() });
    const done = new Promise<void>((resolve) => (t.finish = resolve));
    const phase = (s: ConnectionState): void => this.connectionStep(t, config, s, runtime);
    t.store.add(connection.onState(phase));
    t.store.add(
      runtime.registration.onState((r) => {
        if (r.kind === 'registered') {
          this.step(t, 'register', 'passed', `Registered; the server keeps the registration for ${r.expires} s.`);
          void this.mediaStep(t, config, connection.state).then(() => t.finish?.());
        } else if (r.kind === 'failed') {
          const p = problem(`registration-${r.code}`, { status: r.status, ...(r.reasonPhrase === undefined ? {} : { reasonPhrase: r.reasonPhrase.slice(0, 120) }) });
          this.step(t, 'register', 'failed', p.message, { problem: p });
          this.step(t, 'media', 'skipped', 'Not run: the account is not registered.');
          t.finish?.();
        }
      }),
    );
    t.store.add(this.deps.clock.setTimer(timeoutMs * 2, () => t.finish?.()));
    runtime.start();
    await done;
    if (t.cancelled) this.skipRest(t, 'Cancelled.');
    for (const s of TEST_STEPS) {
      const v = t.steps.get(s);
      if (v?.status === 'running') this.step(t, s, 'failed', 'No answer in time.', { problem: problem(s === 'register' ? 'registration-timeout' : 'timeout') });
      else if (v === undefined) this.step(t, s, 'skipped', 'Not run.');
    }
    await runtime.stop(2000).catch(() => undefined);
    this.finishTest(t);
  }

  private connectionStep(t: RunningTest, config: AccountConfig, s: ConnectionState, runtime: AccountRuntime): void {
    switch (s.kind) {
      case 'connecting':
        if (s.phase !== 'connecting') return;
        if (t.steps.get('dns')?.status === 'running') {
          this.step(t, 'dns', 'passed', `Found ${s.of} address${s.of === 1 ? '' : 'es'}; trying ${addressWords(s.address, s.port)} first.`, { details: s.dns ?? [] });
          t.tried = [];
          this.step(t, 'connect', 'running', `Connecting to ${addressWords(s.address, s.port)}…`);
        } else if (t.steps.get('connect')?.status === 'running') {
          this.step(t, 'connect', 'running', `Connecting to ${addressWords(s.address, s.port)} (${s.index + 1} of ${s.of})…`, { details: t.tried });
        }
        return;
      case 'connected': {
        if (t.steps.get('dns')?.status === 'running') this.step(t, 'dns', 'passed', `Found ${s.remote}.`);
        const tried = s.skipped.map((k) => `${skippedWords(k)} — tried the next one`);
        const skipped = s.skipped.length === 0 ? '' : ` after ${s.skipped.length} server${s.skipped.length === 1 ? '' : 's'} failed`;
        if (t.steps.get('connect')?.status !== 'passed') {
          this.step(t, 'connect', 'passed', `Connected to ${s.remote} over ${s.transport === 'udp' ? 'UDP' : 'TCP'}${skipped}.`, { details: [...tried, `${s.remote}: connected`] });
        }
        const report = runtime.connection.certificateReport();
        if (s.transport !== 'tls') {
          this.step(t, 'tls', 'skipped', `SIP over ${s.transport.toUpperCase()} is not encrypted.`);
          this.step(t, 'certificate', 'skipped', 'No TLS: there is no certificate to check.');
        } else {
          const view = report === undefined ? undefined : toCertificateReportView(report);
          const cipher = report?.cipher?.standardName ?? report?.cipher?.name ?? '';
          this.step(t, 'tls', 'passed', `${report?.protocol ?? 'TLS'} ${cipher}`.trim() + '.', {
            details: [
              `version: ${report?.protocol ?? 'unknown'}`,
              `cipher: ${cipher || 'unknown'}`,
              `SNI sent: ${report?.target.sni ?? 'none (numeric host)'}`,
              `server sent ${report?.presentedCount ?? 0} certificate${report?.presentedCount === 1 ? '' : 's'}`,
            ],
          });
          this.step(t, 'certificate', 'passed', view === undefined ? 'The certificate was verified.' : certificateSummary(view), { ...(view === undefined ? {} : { report: view, details: certificateDetails(view) }) });
        }
        if (config.register) this.step(t, 'register', 'running', 'Registering…');
        else {
          this.step(t, 'register', 'skipped', 'This account does not register.');
          void this.mediaStep(t, config, s).then(() => t.finish?.());
        }
        return;
      }
      case 'failed': {
        const p = connectionProblem(s);
        const at = failedStep(s.code);
        // Per address: a connect failure in its words; one that got past TCP says so (its failure belongs to a later step).
        const tried = s.skipped.map((k) => (failedStep(k.code) === 'connect' ? skippedWords(k) : `${addressWords(k.address, k.port)} (${k.hostname}): TCP connection made; then ${problem(k.code).message.charAt(0).toLowerCase()}${problem(k.code).message.slice(1)}`));
        if (at !== 'dns' && t.steps.get('dns')?.status === 'running') this.step(t, 'dns', 'passed', 'The server was found.');
        if ((at === 'tls' || at === 'certificate') && t.steps.get('connect')?.status !== 'passed') this.step(t, 'connect', 'passed', 'The server accepted the connection.', { details: tried });
        if (at === 'certificate' && t.steps.get('tls')?.status !== 'passed') {
          const r = runtime.connection.certificateReport();
          this.step(t, 'tls', 'passed', r?.protocol === undefined ? 'The TLS handshake reached the certificate check.' : `${r.protocol} ${r.cipher?.standardName ?? r.cipher?.name ?? ''}`.trim() + '.');
        }
        const report = runtime.connection.certificateReport();
        const details = at === 'dns' ? traceOf(s.detail) : at === 'connect' ? tried : [];
        this.step(t, at, 'failed', p.message, { problem: p, details, ...((at === 'tls' || at === 'certificate') && report !== undefined ? { report: toCertificateReportView(report) } : {}) });
        this.skipRest(t, '');
        t.finish?.();
        return;
      }
      case 'stopped':
        return;
    }
  }

  private async mediaStep(t: RunningTest, config: AccountConfig, s: ConnectionState): Promise<void> {
    if (t.cancelled) return;
    this.step(t, 'media', 'running', 'Checking that a call can be encrypted over this connection…');
    const transport = s.kind === 'connected' ? s.transport : config.transport;
    const sdesAllowed = s.kind === 'connected' && s.sdesAllowed;
    const media = await this.deps.media.create({
      callId: `${t.id}-media`,
      srtp: config.srtp,
      signalling: sdesAllowed ? transport : transport === 'tls' ? 'tcp' : transport,
      allowInsecureSdes: config.allowInsecureSdes,
      ...(config.srtpSuites === undefined ? {} : { srtpSuites: config.srtpSuites }),
      codecs: config.codecs,
      localAddress: '127.0.0.1',
    });
    if (!media.ok) {
      const p = mediaProblem(media.error);
      this.step(t, 'media', 'failed', p.message, { problem: p });
      return;
    }
    const offer = media.value.createOffer('sendrecv');
    media.value.dispose();
    if (!offer.ok) {
      const p = mediaProblem(offer.error);
      this.step(t, 'media', 'failed', p.message, { problem: p });
      return;
    }
    // The suites the offer carries (names only: the keys stay in main and are discarded here).
    const suites = [...offer.value.matchAll(/^a=crypto:\d+ (\S+) /gm)].map((m) => m[1]!);
    this.step(t, 'media', 'passed', suites.length > 0 ? `Calls will offer SRTP (${suites.join(', ')}) with keys sent only over this ${transport.toUpperCase()} connection.` : `Calls will offer plain RTP (encryption is ${config.srtp} for this account).`);
  }
}

/** The certificate step in one line: how it was verified, the name matched, the soonest expiry. */
function certificateSummary(r: CertificateReportView): string {
  const mode = r.mode === 'chain-only' ? 'verified by its chain only (weaker: the name is not checked)' : r.mode === 'pinned' ? 'matches the pinned key' : 'verified';
  const leaf = r.chain[0];
  const name = r.identity?.matched === null || r.identity?.matched === undefined ? '' : ` for ${r.identity.matched}`;
  const expiry = leaf === undefined ? '' : `; valid ${leaf.daysLeft} more day${leaf.daysLeft === 1 ? '' : 's'}`;
  return `The certificate${name} is ${mode}${expiry}.`;
}

function certificateDetails(r: CertificateReportView): string[] {
  return [
    ...(r.identity === null ? [] : [`name checked: ${r.identity.reference} — ${r.identity.summary}`]),
    ...r.chain.map((c) => `${c.role}: ${c.subject} (issued by ${c.issuer}; until ${c.notAfter.slice(0, 10)}; ${c.presented ? 'sent by the server' : 'from the trust store'})`),
    `revocation: ${r.revocation.status}`,
    ...r.expiryWarnings.map((w) => w.message),
  ];
}

/** An RFC 4122 version-4 UUID from the injected randomness. */
function uuidFrom(rng: Rng): string {
  const b = rng.bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
