/**
 * The one composition of the phone (DESIGN.md "The phone boundary"): everything the phone needs,
 * built from the platform adapters a face hands in. The Electron app (app/main.ts), the headless
 * CLI (cli/headless-phone.ts) and the web face (cli/web-face.ts) all call this; nothing else
 * constructs PhoneService (a dependency-cruiser rule checks it).
 *
 *   adapters (platform: TLS/TCP/UDP + DNS, RTP sockets, audio, stores, secrets, certificate inspector)
 *        └─▶ createPhone ─▶ Phone { accounts, calls, history, voicemail, audio, certificates, tests, … }
 *                              └─▶ ipc/bindings.ts (the contract) · cli/phone-events.ts (JSON lines)
 */
import * as v from 'valibot';
import { AccountConfigSchema } from '../../../src-shared/model/account.js';
import type { Clock } from '../../base/clock.js';
import { DisposableStore, type Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import type { Result } from '../../base/result.js';
import type { Rng } from '../../base/rng.js';
import type { AudioDevicePort } from '../../media/audio/audio-port.js';
import type { EchoCancellerFactory } from '../../media/audio/echo-canceller.js';
import type { CallAudioOptions } from '../../media/call-media.js';
import { nativeCallMediaFactory } from '../../media/native/native-call-media.js';
import type { NativeMediaPath } from '../../media/native/media-path-port.js';
import { CallMediaEngine, RtpSocketPairPool, deviceAudioProvider, type CallAudioProvider, type FileAudioFactories, type RtpSocketFactory } from '../../media/call/index.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import { problem } from '../problems/problem-catalog.js';
import { AppService, type AppIdentity } from '../app/app-service.js';
import type { CertificateInspector } from '../certificates/ports.js';
import { CertificateService } from '../certificates/certificate-service.js';
import { DialerService } from '../dialer/dialer-service.js';
import { SettingsService, type KeyValueStore } from '../settings/settings-service.js';
import { AccountStore, type SecretStore } from './account-store.js';
import { AccountsService, type LockedSettings } from './accounts-service.js';
import { AudioDeviceService, type AudioPreferences } from './audio-devices.js';
import { CallAlerts } from './call-alerts.js';
import { CallHistory } from './call-history.js';
import { CallPrewarm } from './call-prewarm.js';
import { CallsService } from './calls-service.js';
import { ConnectionTestService } from './connection-test.js';
import { HistoryService } from './history-service.js';
import { PhoneService } from './phone-service.js';
import type { HistoryStore, SipConnectionFactory } from './ports.js';
import { VoicemailService } from './voicemail-service.js';
import { callSecurityView } from './views/call-view.js';
import { toCertificateReportView } from './views/certificate-view.js';
import { TlsEventService } from '../certificates/tls-events.js';
import type { TrustPolicy } from '../certificates/trust-policy.js';
import { DiagnosticsService, type BundleWriter } from '../diagnostics/diagnostics-service.js';
import { SipTrace, tracingConnections } from '../diagnostics/sip-trace.js';
import type { ProvisioningService } from '../provisioning/provisioning-service.js';

export interface PhoneAudioAdapters {
  /** The sound devices: listing, tests, ringtone and tones, and (with `calls: 'devices'`) the calls. */
  readonly port: AudioDevicePort;
  /** Call audio: the chosen devices (the app), or the face's own provider (CLI and web face: files/null). */
  readonly calls: 'devices' | CallAudioProvider;
  /** Files for calls that name `playFile`/`recordFile` when `calls` is 'devices'. */
  readonly files?: FileAudioFactories;
  readonly echoCanceller?: EchoCancellerFactory;
  /** Ringtone, ringback, busy and call-waiting tones on the devices. */
  readonly alerts: boolean;
}

export interface PhoneAdapters {
  readonly identity: AppIdentity;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger: Logger;
  readonly connections: SipConnectionFactory;
  readonly rtpSockets: RtpSocketFactory;
  readonly audio: PhoneAudioAdapters;
  /** Settings, audio preferences and the account list (JSON documents). */
  readonly store: KeyValueStore;
  readonly secrets: SecretStore;
  readonly history: HistoryStore;
  readonly certificates: CertificateInspector;
  /** RFC 5626 instance id, persistent per installation. */
  readonly instanceId: string;
  readonly userAgent: string;
  /** Network interfaces changed or the machine woke up: re-register at once. */
  readonly networkChanges?: Event<void>;
  /** Audio for calls placed and answered through the contract (the web face plays a file). */
  readonly callAudio?: () => CallAudioOptions | undefined;
  /** Locked settings per account (provisioning); none by default. */
  readonly locked?: LockedSettings;
  /** What the certificate panel may change (provisioning); everything by default. */
  readonly trustPolicy?: TrustPolicy;
  /**
   * Provisioning, loaded by the face (bundled, system-wide, URL, --provision): its accounts are
   * added or updated at start, its policy locks settings, refuses accounts and trust actions.
   * Overrides `locked` and `trustPolicy`.
   */
  readonly provisioning?: ProvisioningService;
  /** How many call-history records are kept (the oldest go first); default 10,000. */
  readonly historyLimit?: number;
  /** Problems the face found before the phone (secrets at rest not protected, provisioning refused): shown with the others. */
  readonly startupProblems?: readonly Problem[];
  /** Where the diagnostics bundle is written (the user-data folder's diagnostics/); none: the bundle is unavailable. */
  readonly bundleWriter?: BundleWriter;
  /** Warm up what a call needs and pre-bind RTP sockets once registered (call-prewarm.ts); default true. */
  readonly prewarm?: boolean;
  /**
   * The native media path (media/native; platform/audio/native-media-path.ts loads it): it takes
   * the calls it can do - sound cards when `audio.calls` is 'devices', or a file to play - and
   * hands the rest to the TypeScript engine. Absent: every call on the TypeScript engine.
   */
  readonly nativeMedia?: NativeMediaPath;
}

export interface Phone extends Disposable {
  readonly app: AppService;
  readonly settings: SettingsService;
  readonly dialer: DialerService;
  readonly accounts: AccountsService;
  readonly calls: CallsService;
  readonly history: HistoryService;
  readonly voicemail: VoicemailService;
  readonly audio: AudioDeviceService;
  readonly certificates: CertificateService;
  readonly tests: ConnectionTestService;
  /** The TLS event log of every account. */
  readonly tlsEvents: TlsEventService;
  /** SIP log, SDP check and the diagnostics bundle. */
  readonly diagnostics: DiagnosticsService;
  /** The engine, for the CLI's own event stream and commands. */
  readonly engine: PhoneService;
  readonly clock: Clock;
  /** The microphone meter during `testMicrophone`. */
  readonly onMicLevel: Event<MicLevel>;
  /** Listens to the chosen microphone; the meter arrives on `onMicLevel`. */
  testMicrophone(durationMs: number): ReturnType<AudioDeviceService['testMicrophone']>;
  testTone(target: 'speaker' | 'ring', durationMs: number): Promise<Result<void, Problem>>;
  /** Provisioning in force (none: nothing provisioned). */
  readonly provisioning: ProvisioningService | undefined;
  /** Problems found while starting (a damaged accounts file): logged, and shown once. */
  readonly startupProblems: readonly Problem[];
  /** The call pre-warm (what the first call would otherwise pay for; its socket pool). */
  readonly prewarm: CallPrewarm;
  /** Hangs up, unregisters (bounded) and closes every flow (and the pre-warm's sockets). */
  shutdown(): Promise<void>;
}

const AUDIO_PREFS_KEY = 'audio-devices';
/** The account schema's default codec list (an account that leaves `codecs` out gets it). */
const DEFAULT_CODECS = v.parse(AccountConfigSchema, { uri: 'sip:x@example.invalid' }).codecs;
const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export interface MicLevel {
  readonly rmsDbfs: number;
  readonly peakDbfs: number;
  readonly clipped: boolean;
}

/** dBFS floored at −100 (silence is −Infinity, which JSON cannot carry). */
const floorDb = (x: number): number => (Number.isFinite(x) ? Math.max(-100, Math.round(x * 10) / 10) : -100);

export async function createPhone(adapters: PhoneAdapters): Promise<Phone> {
  const { clock, rng, logger } = adapters;
  const store = new DisposableStore();
  const startupProblems: Problem[] = [...(adapters.startupProblems ?? [])];

  const settings = store.add(new SettingsService(adapters.store, logger.child('settings')));
  // Provisioning's defaults stand in for the built-in ones wherever the person has not chosen.
  const provisioned = adapters.provisioning?.document?.defaults;
  await settings.load(provisioned?.startAtLogin === undefined ? {} : { startAtLogin: provisioned.startAtLogin });
  const dialer = store.add(new DialerService());

  const savedAudio = (await adapters.store.read(AUDIO_PREFS_KEY).catch(() => undefined)) as Partial<AudioPreferences> | undefined;
  // Live calls move through the engine, created below (the callbacks run only once calls exist).
  const late: { engine?: PhoneService } = {};
  const audio = store.add(
    new AudioDeviceService(
      adapters.audio.port,
      {
        setCallAudioDevices: async (choice) => void (await late.engine?.setCallAudioDevices(choice)),
        setCallVolume: (volume) => void late.engine?.setCallVolume(volume),
      },
      logger.child('audio'),
      {
        ...(provisioned?.devices?.capture === undefined ? {} : { captureDeviceId: provisioned.devices.capture }),
        ...(provisioned?.devices?.playback === undefined ? {} : { playbackDeviceId: provisioned.devices.playback }),
        ...(provisioned?.devices?.ring === undefined ? {} : { ringDeviceId: provisioned.devices.ring }),
        ...(typeof savedAudio === 'object' && savedAudio !== null ? savedAudio : {}),
      },
      (prefs) => void adapters.store.write(AUDIO_PREFS_KEY, prefs).catch((e: unknown) => logger.warn('audio preferences not saved', { cause: String(e) })),
    ),
  );
  const callAudio = adapters.audio.calls === 'devices' ? deviceAudioProvider(adapters.audio.port, () => audio.selection, adapters.audio.files, adapters.audio.echoCanceller) : adapters.audio.calls;
  const pool = new RtpSocketPairPool(adapters.rtpSockets, rng);
  const media = new CallMediaEngine({ clock, rng, logger: logger.child('media'), sockets: adapters.rtpSockets, audio: callAudio, pool });

  const callHistory = new CallHistory(adapters.history, logger.child('history'), adapters.historyLimit);
  await callHistory.load();
  const history = store.add(new HistoryService(callHistory, adapters.store));
  await history.load();

  // Every message of every flow (accounts and connection tests) goes to the SIP log, masked.
  const trace = store.add(new SipTrace(clock));
  const connections = tracingConnections(adapters.connections, trace);
  const phone = new PhoneService({
    connections,
    media:
      adapters.nativeMedia === undefined
        ? media
        : nativeCallMediaFactory(media, { path: adapters.nativeMedia, rng, logger: logger.child('media'), ...(adapters.audio.calls === 'devices' ? { devices: () => audio.selection } : {}) }),
    clock,
    rng,
    logger,
    instanceId: adapters.instanceId,
    userAgent: adapters.userAgent,
    recordCall: (record) => void history.recorded(record),
    securityOf: (snapshot) => {
      const s = callSecurityView(snapshot);
      return { level: s.level, tlsVersion: s.signalling.tlsVersion, verification: s.signalling.verification, hops: s.signalling.hops, srtpSuite: s.media.suite };
    },
    refuseIncoming: () => {
      const s = settings.get();
      return s.doNotDisturb ? (s.dndResponse === 'busy' ? 486 : 603) : undefined;
    },
  });
  late.engine = phone;
  const prewarm = store.add(new CallPrewarm({ phone, clock, rng, logger, media, pool, ...(adapters.audio.echoCanceller === undefined ? {} : { echoCanceller: adapters.audio.echoCanceller }), enabled: adapters.prewarm !== false }));
  if (adapters.callAudio !== undefined) phone.incomingAudio = adapters.callAudio;

  const accountStore = new AccountStore(adapters.store, adapters.secrets, logger.child('accounts'));
  const loaded = await accountStore.load();
  if (!loaded.ok) startupProblems.push(loaded.error);
  const provisioning = adapters.provisioning;
  if (provisioning !== undefined) {
    startupProblems.push(...provisioning.problems);
    const doc = provisioning.document;
    for (const a of doc?.accounts ?? []) {
      // Bundled CA certificates are trusted by every provisioned account.
      // The document's default codecs for an account that does not name its own (the schema's default list).
      const codecs = doc?.defaults?.codecs !== undefined && sameList(a.config.codecs, DEFAULT_CODECS) ? doc.defaults.codecs : a.config.codecs;
      const config = { ...a.config, codecs, tls: { ...a.config.tls, trustedCas: [...new Set([...a.config.tls.trustedCas, ...(doc?.caCertificates ?? [])])].slice(0, 16) } };
      const r = accountStore.get(a.id) === undefined ? await accountStore.add(a.id, config, { enabled: a.enabled, makeDefault: a.makeDefault }) : await accountStore.update(a.id, config, false);
      if (!r.ok) logger.warn('a provisioned account could not be stored', { account: a.id, code: r.error.code });
    }
  }
  const locked = provisioning?.locked ?? adapters.locked;
  const accounts = store.add(new AccountsService(accountStore, phone, clock, logger.child('accounts'), locked, provisioning?.accountPolicy));
  const calls = store.add(new CallsService(phone, clock, { defaultAccount: () => accounts.defaultAccountId(), ...(adapters.callAudio === undefined ? {} : { audioForCall: adapters.callAudio }) }));
  const voicemail = store.add(new VoicemailService(phone, clock));
  store.add(
    accounts.onAccountsChanged(({ accounts: list }) => {
      for (const m of voicemail.list().mailboxes) if (!list.some((a) => a.id === m.accountId && a.enabled)) voicemail.forget(m.accountId);
    }),
  );
  const trustPolicy =
    provisioning === undefined
      ? adapters.trustPolicy
      : {
          get trustCa() {
            return provisioning.trustPolicy().trustCa;
          },
          get pin() {
            return provisioning.trustPolicy().pin;
          },
          get chainOnly() {
            return provisioning.trustPolicy().chainOnly;
          },
          get exportPem() {
            return provisioning.trustPolicy().exportPem;
          },
          get reason() {
            return provisioning.trustPolicy().reason;
          },
        };
  const certificates = new CertificateService(adapters.certificates, phone, accounts, trustPolicy);
  const tlsEvents = store.add(new TlsEventService({ onEvent: phone.onEvent, reportOf: (id) => phone.account(id)?.connection.certificateReport() }, clock));
  const tests = store.add(new ConnectionTestService({ connections, media, clock, rng, logger: logger.child('test'), userAgent: adapters.userAgent }));
  const micLevel = store.add(new Emitter<MicLevel>());

  const app = store.add(new AppService(adapters.identity));
  const diagnostics = store.add(
    new DiagnosticsService({
      trace,
      clock,
      rng,
      writer: adapters.bundleWriter,
      onTestFinished: tests.onFinished,
      onQuality: calls.onQuality,
      sources: {
        about: () => app.getInfo(),
        settings: () => settings.get(),
        accounts: () => accounts.list(),
        certificates: () =>
          accounts.list().accounts.map((a) => {
            const r = phone.account(a.id)?.connection.certificateReport();
            return { accountId: a.id, report: r === undefined ? null : toCertificateReportView(r) };
          }),
        tlsEvents: (id) => (id === undefined ? tlsEvents.all() : tlsEvents.list(id)),
      },
    }),
  );
  store.add(
    phone.onEvent((e) => {
      if (e.type === 'call' || e.type === 'call-updated') diagnostics.noteCall(e.call.callId, phone.sipCallId(e.call.callId));
    }),
  );

  if (adapters.audio.alerts) {
    store.add(new CallAlerts(phone.onEvent, { port: adapters.audio.port, clock, logger: logger.child('alerts'), ringDevice: () => audio.ringDeviceId, speakerDevice: () => audio.preferences.playbackDeviceId }));
  }
  if (adapters.networkChanges !== undefined) store.add(adapters.networkChanges(() => phone.networkChanged()));

  await accounts.start();
  for (const a of accountStore.list()) if (a.passwordNeeded && a.enabled) startupProblems.push(problem('password-not-stored', { account: a.config.displayName ?? a.config.uri, accountId: a.id }));
  // Damaged documents found while loading: set aside (kept), defaults used, the person told.
  for (const source of [adapters.store, adapters.history, adapters.secrets] as readonly Partial<Pick<KeyValueStore, 'takeProblems'>>[]) {
    for (const p of source.takeProblems?.() ?? []) {
      logger.error('a stored document was damaged and set aside', { what: p.what, movedTo: p.movedTo, reason: p.reason });
      startupProblems.push(problem('storage-corrupt', { what: p.what, ...(p.movedTo === undefined ? {} : { file: p.movedTo }) }));
    }
  }

  return {
    app,
    settings,
    dialer,
    accounts,
    calls,
    history,
    voicemail,
    audio,
    certificates,
    tests,
    tlsEvents,
    diagnostics,
    engine: phone,
    clock,
    onMicLevel: micLevel.event,
    testMicrophone: (durationMs) => audio.testMicrophone(durationMs, clock, (l) => micLevel.fire({ rmsDbfs: floorDb(l.rmsDbfs), peakDbfs: floorDb(l.peakDbfs), clipped: l.clipped })),
    testTone: (target, durationMs) => audio.testTone(target, durationMs, clock),
    startupProblems,
    provisioning,
    prewarm,
    shutdown: async () => {
      await phone.shutdown();
      prewarm.dispose();
    },
    dispose: () => {
      store.dispose();
      provisioning?.dispose();
      phone.dispose();
    },
  };
}
