import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contract } from '../../src-shared/ipc/contract.js';
import { contractListing } from '../../src-shared/ipc/listing.js';

describe('README documents the contract', () => {
  it('the README’s channel table is the generated listing of the contract (npm run --silent contract)', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const m = /<!-- contract:start -->\n([\s\S]*?)\n<!-- contract:end -->/.exec(readme);
    expect(m, 'README.md needs the contract between <!-- contract:start --> and <!-- contract:end -->').not.toBeNull();
    expect(m![1]).toBe(contractListing(contract));
  });
});
