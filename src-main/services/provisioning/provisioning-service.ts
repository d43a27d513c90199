/**
 * Provisioning: reads the sources in order (bundled file, system-wide file, provisioning URL,
 * `--provision`), refuses a bad document whole (the error names the field) and keeps the last
 * good document of each source in the store, so a refused or unreachable source leaves the
 * previous one in force. The merged document feeds the locked settings, the account policy and
 * the certificate panel's trust policy (provisioning-policy.ts) through live functions, so a
 * refresh of the URL applies at once.
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import type { Logger } from '../../base/logger.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import type { LockedSetting } from '../../../src-shared/model/account.js';
import type { ProvisioningDocument, ProvisioningView } from '../../../src-shared/model/provisioning.js';
import { problem } from '../problems/problem-catalog.js';
import type { KeyValueStore } from '../settings/settings-service.js';
import type { TrustPolicy } from '../certificates/trust-policy.js';
import { accountPolicyOf, lockedSettingsOf, mergeProvisioning, parseProvisioning, trustPolicyOf, type AccountPolicy } from './provisioning-policy.js';

export type SourceKind = ProvisioningView['sources'][number]['kind'];

export type SourceFetch =
  | { readonly kind: 'absent' }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'document'; readonly text: string; readonly etag?: string }
  | { readonly kind: 'failed'; readonly error: string };

/** One place a document comes from (platform/provisioning: files, HTTPS). */
export interface ProvisioningSource {
  readonly kind: SourceKind;
  readonly location: string;
  /** `etag`: what the last good fetch returned (HTTPS If-None-Match). */
  fetch(etag: string | undefined): Promise<SourceFetch>;
}

/** Builds the URL source once the files named one (it needs the bundled file's key and CAs). */
export type UrlSourceFactory = (url: string, trusted: ProvisioningDocument | undefined) => ProvisioningSource;

const STORE_KEY = 'provisioning';

interface LastGood {
  readonly text: string;
  readonly etag?: string;
}

export class ProvisioningService implements Disposable {
  private doc: ProvisioningDocument | undefined;
  private sourcesView: ProvisioningView['sources'] = [];
  private lastGood: Record<string, LastGood> = {};
  private timer: Disposable | undefined;
  private readonly problemList: Problem[] = [];

  constructor(
    private readonly deps: {
      readonly files: readonly ProvisioningSource[];
      readonly commandLine?: string;
      /** A `--provision` argument: a file or an https:// URL. */
      readonly commandLineSource?: (arg: string, trusted: ProvisioningDocument | undefined) => ProvisioningSource;
      readonly urlSource?: UrlSourceFactory;
      readonly store: KeyValueStore;
      readonly clock: Clock;
      readonly logger: Logger;
    },
  ) {}

  /** Reads every source (on start); later: `refresh()` on a schedule for the URL. */
  async load(): Promise<void> {
    const saved = (await this.deps.store.read(STORE_KEY).catch(() => undefined)) as { sources?: Record<string, LastGood> } | undefined;
    this.lastGood = saved?.sources ?? {};
    await this.apply();
  }

  get document(): ProvisioningDocument | undefined {
    return this.doc;
  }

  /** Problems to show once (a refused document). */
  get problems(): readonly Problem[] {
    return this.problemList;
  }

  readonly locked = (accountId: string): readonly LockedSetting[] => lockedSettingsOf(this.doc)(accountId);
  readonly accountPolicy: AccountPolicy = {
    mayAdd: () => accountPolicyOf(this.doc).mayAdd(),
    mayRemove: (id) => accountPolicyOf(this.doc).mayRemove(id),
    mayEdit: (id) => accountPolicyOf(this.doc).mayEdit(id),
    check: (c) => accountPolicyOf(this.doc).check(c),
  };
  trustPolicy(): TrustPolicy {
    return trustPolicyOf(this.doc);
  }

  view(): ProvisioningView {
    const p = this.doc?.policy;
    return {
      provisioned: this.doc !== undefined,
      sources: this.sourcesView,
      usersMayAddAccounts: p?.usersMayAddAccounts ?? true,
      usersMayEditAccounts: p?.usersMayEditAccounts ?? true,
      reason: p?.reason ?? null,
      branding: { productName: this.doc?.branding?.productName ?? null, accentColor: this.doc?.branding?.accentColor ?? null },
    };
  }

  /** Re-reads the sources (the URL with If-None-Match); the schedule calls it every `refreshMinutes`. */
  async refresh(): Promise<void> {
    await this.apply();
  }

  /** Refreshes on a schedule while a provisioning URL is configured. */
  schedule(): void {
    this.timer?.dispose();
    if (this.doc?.url === undefined) return;
    const ms = this.doc.refreshMinutes * 60_000;
    const tick = (): void => {
      void this.refresh().finally(() => {
        if (this.timer !== undefined) this.timer = this.deps.clock.setTimer(ms, tick);
      });
    };
    this.timer = this.deps.clock.setTimer(ms, tick);
  }

  dispose(): void {
    const t = this.timer;
    this.timer = undefined;
    t?.dispose();
  }

  private async apply(): Promise<void> {
    const docs: ProvisioningDocument[] = [];
    const views: ProvisioningView['sources'][number][] = [];
    /** The view of each document in `docs` (same index). */
    const docViews: ProvisioningView['sources'][number][] = [];
    const read = async (source: ProvisioningSource): Promise<void> => {
      const key = `${source.kind}:${source.location}`;
      const previous = this.lastGood[key];
      const got = await source.fetch(previous?.etag).catch((e: unknown): SourceFetch => ({ kind: 'failed', error: (e as Error).message }));
      let text: string | undefined;
      let error: string | null = null;
      if (got.kind === 'absent') {
        this.lastGood = Object.fromEntries(Object.entries(this.lastGood).filter(([k]) => k !== key));
        views.push({ kind: source.kind, location: source.location, state: 'absent', error: null });
        return;
      }
      if (got.kind === 'unchanged') text = previous?.text;
      else if (got.kind === 'failed') error = got.error;
      else {
        const parsed = parseProvisioning(got.text);
        if (parsed.ok) {
          text = got.text;
          this.lastGood[key] = { text: got.text, ...(got.etag === undefined ? {} : { etag: got.etag }) };
        } else error = parsed.error;
      }
      if (error !== null) {
        this.deps.logger.warn('provisioning refused; the previous good document stays in force', { source: source.kind, location: source.location, error });
        this.problemList.push(problem('provisioning-refused', { source: source.location, error }));
        text = previous?.text;
      }
      const view: ProvisioningView['sources'][number] = { kind: source.kind, location: source.location, state: error === null ? 'applied' : 'refused', error };
      views.push(view);
      if (text !== undefined) {
        const parsed = parseProvisioning(text);
        if (parsed.ok) {
          docs.push(parsed.value);
          docViews.push(view);
        }
      }
    };
    for (const f of this.deps.files) await read(f);
    const trusted = mergeProvisioning(docs).merged;
    if (trusted?.url !== undefined && this.deps.urlSource !== undefined) await read(this.deps.urlSource(trusted.url, trusted));
    if (this.deps.commandLine !== undefined && this.deps.commandLineSource !== undefined) await read(this.deps.commandLineSource(this.deps.commandLine, trusted));
    const { merged, ignoredFrom } = mergeProvisioning(docs);
    if (ignoredFrom !== undefined) {
      for (const v of docViews.slice(ignoredFrom)) Object.assign(v, { state: 'ignored', error: 'an earlier provisioning document does not allow later sources (policy.allowLaterSources)' });
    }
    this.doc = merged;
    this.sourcesView = views;
    await this.deps.store.write(STORE_KEY, { sources: this.lastGood }).catch((e: unknown) => this.deps.logger.warn('provisioning not saved', { error: e }));
  }
}
