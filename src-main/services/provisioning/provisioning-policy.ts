/**
 * What a provisioning document means for the phone (pure): merging the sources in order, the
 * settings locked per account, what the certificate panel may do, and which account settings
 * policy refuses. Main enforces all of it whatever the renderer sends.
 */
import * as v from 'valibot';
import type { AccountConfig, LockedSetting } from '../../../src-shared/model/account.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import { ProvisioningSchema, type ProvisioningDocument, type ProvisioningPolicy } from '../../../src-shared/model/provisioning.js';
import { err, ok, type Result } from '../../base/result.js';
import { problem } from '../problems/problem-catalog.js';
import type { TrustPolicy } from '../certificates/trust-policy.js';

/** Parses a document; a bad one is refused whole, the error naming the first bad field. */
export function parseProvisioning(text: string): Result<ProvisioningDocument, string> {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (e) {
    return err(`not valid JSON: ${(e as Error).message}`);
  }
  const r = v.safeParse(ProvisioningSchema, json);
  if (!r.success) return err(r.issues.slice(0, 3).map((i) => `${v.getDotPath(i) ?? '(document)'}: ${i.message}`).join('; '));
  return ok(r.output);
}

/**
 * Later documents override earlier ones field by field (policy fields, accounts by id, lists
 * appended), unless an earlier one says `policy.allowLaterSources: false`: then later ones are
 * ignored (reported).
 */
export function mergeProvisioning(docs: readonly ProvisioningDocument[]): { merged: ProvisioningDocument | undefined; ignoredFrom: number | undefined } {
  let merged: ProvisioningDocument | undefined;
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i]!;
    if (merged === undefined) {
      merged = d;
      continue;
    }
    if (merged.policy.allowLaterSources === false) return { merged, ignoredFrom: i };
    const accounts = new Map(merged.accounts.map((a) => [a.id, a]));
    for (const a of d.accounts) accounts.set(a.id, a);
    merged = {
      ...merged,
      ...d,
      accounts: [...accounts.values()],
      policy: { ...merged.policy, ...d.policy, lockedSettings: [...(merged.policy.lockedSettings ?? []), ...(d.policy.lockedSettings ?? [])] },
      caCertificates: [...merged.caCertificates, ...d.caCertificates],
      branding: { ...merged.branding, ...d.branding },
      defaults: { ...merged.defaults, ...d.defaults },
      // Only the bundled (first) document may name the signing key.
      ...(merged.signingPublicKey === undefined ? {} : { signingPublicKey: merged.signingPublicKey }),
    };
  }
  return { merged, ignoredFrom: undefined };
}

const DEFAULT_REASON = 'Set by your administrator.';

/** The account settings locked per account: every account's `policy.lockedSettings`, and a provisioned account's own `locked`. */
export function lockedSettingsOf(doc: ProvisioningDocument | undefined): (accountId: string) => readonly LockedSetting[] {
  if (doc === undefined) return () => [];
  const reason = doc.policy.reason ?? DEFAULT_REASON;
  const global = doc.policy.lockedSettings ?? [];
  return (id) => {
    const own = doc.accounts.find((a) => a.id === id)?.locked ?? [];
    return [...new Set([...global, ...own])].map((setting) => ({ setting, reason }));
  };
}

export function trustPolicyOf(doc: ProvisioningDocument | undefined): TrustPolicy {
  const p: ProvisioningPolicy = doc?.policy ?? {};
  return { trustCa: p.trustCa ?? true, pin: p.pin ?? true, chainOnly: p.chainOnly ?? true, exportPem: p.exportPem ?? true, ...(p.reason === undefined ? {} : { reason: p.reason }) };
}

/** What AccountsService asks before adding, editing or removing (main refuses; the renderer's view is never trusted). */
export interface AccountPolicy {
  mayAdd(): Problem | undefined;
  mayRemove(id: string): Problem | undefined;
  /** False: only a password may be entered (usersMayEditAccounts false). */
  mayEdit(id: string): Problem | undefined;
  /** A setting of this config that policy forbids, as `policy-denied` naming it. */
  check(config: AccountConfig): Problem | undefined;
}

export const OPEN_ACCOUNT_POLICY: AccountPolicy = { mayAdd: () => undefined, mayRemove: () => undefined, mayEdit: () => undefined, check: () => undefined };

export function accountPolicyOf(doc: ProvisioningDocument | undefined): AccountPolicy {
  if (doc === undefined) return OPEN_ACCOUNT_POLICY;
  const p = doc.policy;
  const reason = p.reason ?? DEFAULT_REASON;
  const denied = (action: string, setting?: string): Problem => problem('policy-denied', { action, reason, ...(setting === undefined ? {} : { setting }) });
  const provisioned = new Set(doc.accounts.map((a) => a.id));
  return {
    mayAdd: () => (p.usersMayAddAccounts === false ? denied('adding accounts') : undefined),
    mayRemove: (id) => (p.usersMayAddAccounts === false || provisioned.has(id) ? denied('removing this account') : undefined),
    mayEdit: () => (p.usersMayEditAccounts === false ? denied('changing account settings') : undefined),
    check: (c) => {
      if (p.minTlsVersion === 'TLSv1.3' && c.transport === 'tls' && c.tls.minVersion !== 'TLSv1.3') return denied(`a minimum TLS version below ${p.minTlsVersion}`, 'tls.minVersion');
      if (p.allowedVerificationModes !== undefined && !p.allowedVerificationModes.includes(c.tls.verify)) return denied(`verification mode ${c.tls.verify}`, 'tls.verify');
      if (p.srtpMandatory === true && c.srtp !== 'mandatory') return denied(`SRTP ${c.srtp}`, 'srtp');
      if (p.allowedSrtpSuites !== undefined && (c.srtpSuites ?? []).some((s) => !p.allowedSrtpSuites!.includes(s))) return denied('these SRTP suites', 'srtpSuites');
      if (p.allowPlainTransports === false && c.transport !== 'tls') return denied(`plain ${c.transport.toUpperCase()}`, 'transport');
      return undefined;
    },
  };
}
