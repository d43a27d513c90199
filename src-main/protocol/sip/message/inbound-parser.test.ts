import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLogger, MemorySink } from '../../../base/logger.js';
import { InboundParser } from './inbound-parser.js';

const vector = (name: string): Buffer => readFileSync(new URL(`../../../../test/vectors/rfc4475/${name}.dat`, import.meta.url));

describe('InboundParser: malformed input is counted, logged redacted and answered where possible', () => {
  it('passes messages through, recognises keep-alives, and answers a malformed request with its 400', () => {
    const sink = new MemorySink();
    const inbound = new InboundParser(createLogger({ sinks: [sink] }), () => 'tag400');
    expect(inbound.accept(vector('wsinv')).kind).toBe('message');
    expect(inbound.accept(Buffer.from('\r\n\r\n')).kind).toBe('keepalive');
    const bad = inbound.accept(vector('badinv01'), '192.0.2.15:5060');
    expect(bad.kind).toBe('rejected');
    if (bad.kind !== 'rejected') return;
    expect(bad.reply?.status).toBe(400);
    expect(bad.reply?.reason).toBe('Malformed Via Header');
    expect(bad.reply?.headers.get('to')).toMatch(/;tag=tag400$/);
    expect(inbound.accept(vector('bigcode')).kind).toBe('rejected');
    expect(inbound.counters).toEqual({ messages: 1, keepalives: 1, rejected: 2, byCode: { 'bad-header-value': 1, 'bad-status-code': 1 } });
    expect(sink.records.map((r) => r.fields?.['code'])).toEqual(['bad-header-value', 'bad-status-code']);
  });

  it('never logs credentials from a rejected message', () => {
    const sink = new MemorySink();
    const inbound = new InboundParser(createLogger({ sinks: [sink] }));
    const msg = Buffer.from('REGISTER sip:alice:hunter2@pbx.example.com SIP/2.0 \r\nAuthorization: Digest username="alice", response="0123456789abcdef0123456789abcdef"\r\n\r\n');
    expect(inbound.accept(msg).kind).toBe('rejected');
    const text = sink.text();
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('0123456789abcdef');
  });
});
