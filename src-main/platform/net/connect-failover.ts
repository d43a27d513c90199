/**
 * RFC 3263 §4.3 failover: try the located targets in order until one connects and (for TLS)
 * passes verification. Connection failures and certificate failures that may be specific to one
 * server of a multi-IP deployment (seed: "Multi-IP Deployments and GeoDNS") move on to the next
 * target; local configuration errors (bad client certificate, policy) stop at once, since every
 * target would fail the same way. Every skipped target is recorded with its typed reason.
 */
import type { Clock } from '../../base/clock.js';
import { err, ok, type Result } from '../../base/result.js';
import type { CertificateReport } from '../tls/certificate-report.js';
import { isHostSpecific, tlsError, type TlsError } from '../tls/tls-error.js';
import type { ResolvedTarget } from './sip-hop.js';

export interface AttemptRecord {
  readonly target: ResolvedTarget;
  readonly outcome: 'connected' | 'skipped' | 'stopped';
  readonly error?: TlsError;
  readonly report?: CertificateReport;
  readonly durationMs: number;
}

export interface AttemptFailure {
  readonly error: TlsError;
  readonly report?: CertificateReport;
}

export interface FailoverSuccess<T> {
  readonly value: T;
  readonly target: ResolvedTarget;
  readonly attempts: readonly AttemptRecord[];
}

export interface FailoverFailure {
  /** The error of the last target tried (what the person most likely needs to fix). */
  readonly error: TlsError;
  readonly attempts: readonly AttemptRecord[];
}

export async function connectWithFailover<T>(
  targets: readonly ResolvedTarget[],
  attempt: (target: ResolvedTarget) => Promise<Result<T, AttemptFailure>>,
  deps: { readonly clock: Clock; readonly signal?: AbortSignal; readonly onAttempt?: (target: ResolvedTarget, index: number) => void },
): Promise<Result<FailoverSuccess<T>, FailoverFailure>> {
  const attempts: AttemptRecord[] = [];
  if (targets.length === 0) return err({ error: tlsError('no-targets'), attempts });
  let last: TlsError = tlsError('no-targets');
  for (const [i, target] of targets.entries()) {
    if (deps.signal?.aborted === true) return err({ error: tlsError('aborted'), attempts });
    deps.onAttempt?.(target, i);
    const started = deps.clock.monotonic();
    const r = await attempt(target);
    const durationMs = Math.round(deps.clock.monotonic() - started);
    if (r.ok) {
      attempts.push({ target, outcome: 'connected', durationMs });
      return ok({ value: r.value, target, attempts });
    }
    last = r.error.error;
    const stop = !isHostSpecific(last.code);
    attempts.push({ target, outcome: stop ? 'stopped' : 'skipped', error: last, ...(r.error.report === undefined ? {} : { report: r.error.report }), durationMs });
    if (stop) break;
  }
  return err({ error: last, attempts });
}

/** One line per attempt, for logs ("why did it skip that server?"); the UI gets them as values. */
export function describeAttempts(attempts: readonly AttemptRecord[]): string[] {
  return attempts.map((a) => {
    const where = `${a.target.transport.toUpperCase()} ${a.target.family === 6 ? `[${a.target.address}]` : a.target.address}:${a.target.port} (${a.target.hostname})`;
    return a.outcome === 'connected' ? `${where}: connected` : `${where}: ${a.outcome} - ${a.error?.code ?? 'unknown'}`;
  });
}
