/**
 * What IT allows the certificate panel to change (issue 13; provisioning fills it in issue 14).
 * Main decides: the panel shows only what this allows, and main refuses the rest with
 * `policy-denied` whatever the renderer sends (the renderer's view is never trusted).
 */
import type { TrustActionsView } from '../../../src-shared/model/diagnostics.js';

export interface TrustPolicy {
  /** Add a CA from a server's chain to an account ("Trust this CA"). */
  readonly trustCa: boolean;
  /** Pin a server's key or certificate. */
  readonly pin: boolean;
  /** Switch an account to chain-only verification (no name check: weaker). */
  readonly chainOnly: boolean;
  /** Export the chain as PEM (public data; on unless IT turns it off). */
  readonly exportPem: boolean;
  /** Why something is off, in the administrator's words. */
  readonly reason?: string;
}

/** No provisioning: the person may do all of it (each action still explains what it weakens). */
export const OPEN_TRUST_POLICY: TrustPolicy = { trustCa: true, pin: true, chainOnly: true, exportPem: true };

export function trustActionsView(p: TrustPolicy, lockedVerify: boolean, lockedTrust: boolean, reason: string | undefined): TrustActionsView {
  const why = [p.reason, reason].filter((x): x is string => x !== undefined && x !== '').join(' ');
  return {
    trustCa: p.trustCa && !lockedTrust,
    pin: p.pin && !lockedVerify,
    chainOnly: p.chainOnly && !lockedVerify,
    exportPem: p.exportPem,
    reason: !p.trustCa || !p.pin || !p.chainOnly || !p.exportPem || lockedVerify || lockedTrust ? why || 'Your administrator has turned this off.' : null,
  };
}
