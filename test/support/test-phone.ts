/**
 * A whole phone (createPhone, the one composition) for unit tests of the contract: the real
 * platform network adapters (they do no I/O until an account connects), a fake sound card, and
 * memory stores. Tests that need real peers use the web face instead (test/e2e, test/interop).
 */
import { SystemClock } from '../../src-main/base/clock.js';
import { createLogger, type LogSink } from '../../src-main/base/logger.js';
import { CryptoRng } from '../../src-main/base/rng.js';
import { createSipPlatform } from '../../src-main/platform/net/sip-platform.js';
import { MemoryStore } from '../../src-main/platform/storage/json-file-store.js';
import { MemorySecretStore } from '../../src-main/platform/storage/secret-store.js';
import { createPhone, type Phone } from '../../src-main/services/phone/create-phone.js';
import type { HistoryStore } from '../../src-main/services/phone/ports.js';
import type { SecretStore } from '../../src-main/services/phone/account-store.js';
import type { KeyValueStore } from '../../src-main/services/settings/settings-service.js';
import type { PhoneAdapters } from '../../src-main/services/phone/create-phone.js';
import type { LockedSettings } from '../../src-main/services/phone/accounts-service.js';
import type { TrustPolicy } from '../../src-main/services/certificates/trust-policy.js';
import { ZipBundleWriter } from '../../src-main/platform/storage/bundle-writer.js';
import { FakeAudioDevicePort, fakeDevice } from '../fakes/fake-audio-device.js';

export class MemoryHistoryStore implements HistoryStore {
  entries: unknown = undefined;
  load(): Promise<unknown> {
    return Promise.resolve(this.entries);
  }
  save(entries: unknown): Promise<void> {
    this.entries = entries;
    return Promise.resolve();
  }
}

export async function createTestPhone(options: {
    sinks?: LogSink[];
    version?: string;
    history?: HistoryStore;
    locked?: LockedSettings;
    trustPolicy?: TrustPolicy;
    bundleDir?: string;
    store?: KeyValueStore;
    secrets?: SecretStore;
    /** Anything else of the composition (provisioning policy, startup problems). */
    extra?: Partial<PhoneAdapters>;
  } = {}): Promise<Phone> {
  const clock = new SystemClock({ unrefTimers: true });
  const rng = new CryptoRng();
  const logger = createLogger({ sinks: options.sinks ?? [], level: 'debug' });
  const platform = createSipPlatform({ clock, rng, logger });
  const port = new FakeAudioDevicePort([fakeDevice('fake:mic', { name: 'Test Microphone', isDefaultInput: true, maxOutputChannels: 0 }), fakeDevice('fake:spk', { name: 'Test Speaker', isDefaultOutput: true, maxInputChannels: 0 })]);
  return createPhone({
    identity: { name: 'T', version: options.version ?? '9.9.9', platform: 'linux', carrier: 'electron', runtime: { node: '20', electron: null, chrome: null } },
    clock,
    rng,
    logger,
    connections: platform.connections,
    rtpSockets: platform.rtpSockets,
    certificates: platform.certificates,
    audio: { port, calls: 'devices', alerts: false },
    store: options.store ?? new MemoryStore(),
    secrets: options.secrets ?? new MemorySecretStore(),
    history: options.history ?? new MemoryHistoryStore(),
    instanceId: 'urn:uuid:00000000-0000-4000-8000-000000000001',
    userAgent: 'test',
    ...(options.locked === undefined ? {} : { locked: options.locked }),
    ...(options.trustPolicy === undefined ? {} : { trustPolicy: options.trustPolicy }),
    ...(options.bundleDir === undefined ? {} : { bundleWriter: new ZipBundleWriter(options.bundleDir) }),
    ...options.extra,
  });
}
