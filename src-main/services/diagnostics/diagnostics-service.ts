/**
 * The diagnostics of the phone for the person and for IT (issue 13): the SIP log (sip-trace.ts),
 * the SDP check (sdp-explainer.ts) and the diagnostics bundle — one zip with the SIP trace, the
 * TLS events with certificate summaries, the last connection tests, the call-quality reports of
 * recent calls, app/OS/runtime versions, the accounts and settings (views: no secret is in them).
 *
 * Masked by construction: the trace is masked when recorded, views carry no secrets, and every
 * file passes through the SIP masking and the logger's redaction once more before it is written.
 */
import type { Clock } from '../../base/clock.js';
import { DisposableStore, type Disposable } from '../../base/disposable.js';
import type { Event } from '../../base/event.js';
import { err, ok, type Result } from '../../base/result.js';
import type { Rng } from '../../base/rng.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import type { CallQualityView } from '../../../src-shared/model/call.js';
import type { TestResultView } from '../../../src-shared/model/connection-test.js';
import type { BundleResult, ExplainSdp, SdpExplanation, SipLogPage, SipLogQuery } from '../../../src-shared/model/diagnostics.js';
import { problem } from '../problems/problem-catalog.js';
import { explainSdp } from './sdp-explainer.js';
import { maskSipText } from './sip-masking.js';
import type { SipTrace } from './sip-trace.js';

export interface BundleFile {
  readonly name: string;
  readonly content: string;
}

/** Where the bundle goes (platform/storage/bundle-writer.ts). */
export interface BundleWriter {
  /** OS, CPU, memory and runtime versions. */
  system(): Record<string, unknown>;
  write(baseName: string, files: readonly BundleFile[], when: Date): Promise<{ path: string; bytes: number }>;
}

/** What the bundle gathers from the rest of the phone (all of it already public views). */
export interface BundleSources {
  about(): unknown;
  settings(): unknown;
  accounts(): unknown;
  /** Each account's certificate report (view) of its current or last TLS connection. */
  certificates(): unknown;
  tlsEvents(accountId?: string): unknown;
}

const RECENT_TESTS = 10;
const RECENT_CALLS = 20;

export class DiagnosticsService implements Disposable {
  private readonly store = new DisposableStore();
  private readonly tests: TestResultView[] = [];
  /** The quality reports of recent calls, by call id, oldest call first. */
  private readonly quality = new Map<string, CallQualityView[]>();
  /** The phone's call ids (CallView.id) and their SIP Call-IDs, newest last. */
  private readonly sipCallIds = new Map<string, string>();

  constructor(
    private readonly deps: {
      readonly trace: SipTrace;
      readonly clock: Clock;
      readonly rng: Rng;
      readonly writer: BundleWriter | undefined;
      readonly sources: BundleSources;
      readonly onTestFinished: Event<TestResultView>;
      readonly onQuality: Event<CallQualityView>;
    },
  ) {
    this.store.add(
      deps.onTestFinished((r) => {
        this.tests.push(r);
        if (this.tests.length > RECENT_TESTS) this.tests.shift();
      }),
    );
    this.store.add(
      deps.onQuality((q) => {
        let list = this.quality.get(q.callId);
        if (list === undefined) {
          this.quality.set(q.callId, (list = []));
          if (this.quality.size > RECENT_CALLS) this.quality.delete(this.quality.keys().next().value!);
        }
        list.push(q);
        // A report every few seconds: keep the first minute and the latest ones of a long call.
        if (list.length > 120) list.splice(20, list.length - 120);
      }),
    );
  }

  get onSipMessage(): SipTrace['onMessage'] {
    return this.deps.trace.onMessage;
  }

  /** A call's SIP Call-ID became known (the filter by call takes either id). */
  noteCall(callId: string, sipCallId: string | undefined): void {
    if (sipCallId === undefined || this.sipCallIds.get(callId) === sipCallId) return;
    this.sipCallIds.set(callId, sipCallId);
    if (this.sipCallIds.size > 500) this.sipCallIds.delete(this.sipCallIds.keys().next().value!);
  }

  private resolve(q: SipLogQuery): SipLogQuery {
    return q.callId === undefined ? q : { ...q, callId: this.sipCallIds.get(q.callId) ?? q.callId };
  }

  sipLog(q: SipLogQuery): SipLogPage {
    return this.deps.trace.query(this.resolve(q));
  }

  exportSipLog(q: SipLogQuery): { text: string; count: number; fileName: string } {
    return this.deps.trace.exportText(this.resolve(q), this.deps.clock.now());
  }

  explainSdp(req: ExplainSdp): SdpExplanation {
    return explainSdp(req, this.deps.rng);
  }

  async writeBundle(accountId?: string): Promise<Result<BundleResult, Problem>> {
    const writer = this.deps.writer;
    if (writer === undefined) return err(problem('unavailable'));
    const now = new Date(this.deps.clock.now());
    const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
    const trace = this.deps.trace.exportText(accountId === undefined ? {} : { accountId }, now.getTime());
    const raw: BundleFile[] = [
      {
        name: 'README.txt',
        content: [
          `Secure Softphone diagnostics bundle, ${now.toISOString()}${accountId === undefined ? '' : ` (account ${accountId})`}.`,
          '',
          'about.json             app, operating system and runtime versions',
          'settings.json          application settings',
          'accounts.json          accounts (no passwords) and their registration state',
          'certificates.json      each account’s server certificate report (chain, TLS version, verdict)',
          'tls-events.json        TLS connections, reconnections and failures',
          'connection-tests.json  the last connection tests',
          'call-quality.json      call-quality reports (RTCP) of recent calls',
          'sip-trace.txt          SIP messages sent and received',
          '',
          'Passwords, digest responses, cnonces and SRTP keys are masked; no private key is included.',
          '',
        ].join('\n'),
      },
      { name: 'about.json', content: json({ app: this.deps.sources.about(), system: writer.system(), createdAt: now.toISOString() }) },
      { name: 'settings.json', content: json(this.deps.sources.settings()) },
      { name: 'accounts.json', content: json(this.deps.sources.accounts()) },
      { name: 'certificates.json', content: json(this.deps.sources.certificates()) },
      { name: 'tls-events.json', content: json(this.deps.sources.tlsEvents(accountId)) },
      { name: 'connection-tests.json', content: json(this.tests) },
      { name: 'call-quality.json', content: json([...this.quality.entries()].map(([callId, reports]) => ({ callId, reports }))) },
      { name: 'sip-trace.txt', content: trace.text },
    ];
    // Masked by construction: whatever a file holds goes through the masking once more.
    const files = raw.map((f) => ({ name: f.name, content: maskSipText(f.content) }));
    const base = `softphone-diagnostics-${now.toISOString().replace(/[:.]/g, '-')}`;
    try {
      const written = await writer.write(base, files, now);
      return ok({ path: written.path, bytes: written.bytes, createdAt: now.toISOString(), files: files.map((f) => ({ name: f.name, bytes: Buffer.byteLength(f.content) })) });
    } catch (e) {
      return err(problem('storage-write-failed', { cause: String((e as { code?: unknown }).code ?? 'error') }));
    }
  }

  dispose(): void {
    this.store.dispose();
  }
}
