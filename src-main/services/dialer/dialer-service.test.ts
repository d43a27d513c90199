import { describe, expect, it } from 'vitest';
import { DialerService, normalizeDialTarget } from './dialer-service.js';

describe('dial links (sip:, sips:, tel:) routed to the dialer', () => {
  it.each([
    ['sip:alice@example.com', 'sip:alice@example.com'],
    ['SIPS:alice@example.com', 'sips:alice@example.com'],
    ['sip://bob@pbx.example.com', 'sip:bob@pbx.example.com'],
    ['sip:carol@example.com?subject=call%20me', 'sip:carol@example.com'],
    ['sip:alice@example.com;transport=tls', 'sip:alice@example.com;transport=tls'],
    ['tel:+1-201-555-0123', '+12015550123'],
    ['tel:+49%2030%20123456', '+4930123456'],
    ['tel:7042;phone-context=example.com', '7042'],
    ['callto:+44 20 7946 0000', '+442079460000'],
  ])('%s → %s', (link, target) => {
    expect(normalizeDialTarget(link)).toEqual({ ok: true, value: target });
  });

  it.each(['http://example.com', 'javascript:alert(1)', 'tel:', 'tel:call-me-maybe', 'sip:', 'sip:a b@example.com', 'sip:%zz@x', `sip:${'a'.repeat(300)}`])(
    'refuses %s with the typed invalid-target problem',
    (link) => {
      expect(normalizeDialTarget(link)).toMatchObject({ ok: false, error: { code: 'invalid-target' } });
    },
  );

  it('announces the target with its source', () => {
    const dialer = new DialerService();
    const seen: unknown[] = [];
    dialer.onDialRequested((r) => seen.push(r));
    dialer.openUri('sips:ops@example.com', 'command-line');
    expect(seen).toEqual([{ target: 'sips:ops@example.com', source: 'command-line' }]);
    dialer.dispose();
  });
});
