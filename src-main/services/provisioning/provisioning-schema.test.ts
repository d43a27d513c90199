import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { provisioningJsonSchema } from '../../../scripts/provisioning-schema.js';
import { parseProvisioning } from './provisioning-policy.js';

const root = join(import.meta.dirname, '../../..');

describe('provisioning schema', () => {
  it('build/provisioning.schema.json is the one generated from the valibot schema (npm run provisioning-schema)', async () => {
    expect(await readFile(join(root, 'build/provisioning.schema.json'), 'utf8')).toBe(provisioningJsonSchema());
  });

  it('the bundled template (build/provisioning.json) is a valid document', async () => {
    expect(parseProvisioning(await readFile(join(root, 'build/provisioning.json'), 'utf8')).ok).toBe(true);
  });

  it('a document in the shape docs/provisioning.md shows is valid; a wrong field is named', () => {
    const good = { version: 1, accounts: [{ id: 'work', config: { uri: 'sips:alice@pbx.example.com' }, locked: ['transport'] }], policy: { srtpMandatory: true, usersMayAddAccounts: false, reason: 'Acme IT' }, branding: { productName: 'Acme Phone', accentColor: '#0a66c2' }, defaults: { startAtLogin: true } };
    expect(parseProvisioning(JSON.stringify(good)).ok).toBe(true);
    const bad = parseProvisioning(JSON.stringify({ ...good, branding: { accentColor: 'blue' } }));
    expect(!bad.ok && bad.error).toMatch(/^branding\.accentColor: /);
    const unknown = parseProvisioning(JSON.stringify({ ...good, polcy: {} }));
    expect(!unknown.ok && unknown.error).toMatch(/polcy/);
  });
});
