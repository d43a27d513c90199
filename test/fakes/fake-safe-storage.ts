import type { SafeStoragePort } from '../../src-main/platform/storage/safe-storage-secret-store.js';

/**
 * A fake Electron safeStorage: "encrypts" by XOR with a key and a marker, so a test can tell the
 * ciphertext holds no plain text. `backend` 'basic_text' is Linux without a keyring.
 */
export function fakeSafeStorage(options: { available?: boolean; backend?: string } = {}): SafeStoragePort & { calls: number } {
  const key = Buffer.from('fake-os-key-0123456789');
  const xor = (b: Buffer): Buffer => Buffer.from(b.map((x, i) => x ^ key[i % key.length]!));
  const port = {
    calls: 0,
    isEncryptionAvailable: () => options.available ?? true,
    encryptString: (s: string): Buffer => {
      port.calls++;
      return Buffer.concat([Buffer.from('v10'), xor(Buffer.from(s, 'utf8'))]);
    },
    decryptString: (b: Buffer): string => {
      if (b.subarray(0, 3).toString() !== 'v10') throw new Error('not ours');
      return xor(b.subarray(3)).toString('utf8');
    },
    ...(options.backend === undefined ? {} : { getSelectedStorageBackend: () => options.backend! }),
  };
  return port;
}
