import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../base/logger.js';
import { RotatingFileSink } from './rotating-file-sink.js';

describe('RotatingFileSink', () => {
  it('caps every file and keeps at most N of them; records arrive masked by the logger', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'softphone-logs-'));
    try {
      const logger = createLogger({ sinks: [new RotatingFileSink(join(dir, 'logs', 'softphone.log'), { maxBytes: 2000, files: 3 })], level: 'debug' });
      for (let i = 0; i < 200; i++) logger.info(`line ${i}`, { header: 'Authorization: Digest username="a", response="0123456789abcdef0123456789abcdef"' });
      const names = (await readdir(join(dir, 'logs'))).sort();
      expect(names).toEqual(['softphone.log', 'softphone.log.1', 'softphone.log.2']);
      for (const n of names) {
        const text = await readFile(join(dir, 'logs', n), 'utf8');
        expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2000);
        expect(text).not.toContain('0123456789abcdef0123456789abcdef');
        for (const line of text.trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
      }
      expect(await readFile(join(dir, 'logs', 'softphone.log'), 'utf8')).toContain('line 199');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
