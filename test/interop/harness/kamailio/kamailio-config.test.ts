import { describe, expect, it } from 'vitest';
import { digestHa1, renderKamailioConfig, renderKamailioTlsConfig, type KamailioConfigInput } from './kamailio-config.js';

const input: KamailioConfigInput = {
  domain: 'pbx.test',
  users: [{ user: 'alice', password: 'very "zebra-quokka" pass' }],
  udpPort: 25060,
  tcpPort: 25060,
  tlsPort: 25061,
  ipv6: false,
  tlsConfigPath: '/tmp/x/tls.cfg',
  sipDumpDir: '/tmp/x/sip',
  authenticateRequests: true,
  minExpires: 5,
  maxExpires: 3600,
  defaultExpires: 3600,
  debugLevel: 2,
  nonceSecret: 'n0nce',
};

describe('kamailio-config: generated kamailio.cfg', () => {
  it('stores the HA1 of each user, never the password itself', () => {
    const cfg = renderKamailioConfig(input);
    expect(cfg).toContain(`$sht(users=>alice) = "${digestHa1('alice', 'pbx.test', 'very "zebra-quokka" pass')}";`);
    expect(digestHa1('alice', 'pbx.test', 'x')).toMatch(/^[0-9a-f]{32}$/);
    expect(cfg).not.toContain('zebra-quokka');
  });

  it('listens on loopback only (and on ::1 only when asked)', () => {
    const listens = (cfg: string): string[] => cfg.split('\n').filter((l) => l.startsWith('listen='));
    expect(listens(renderKamailioConfig(input))).toEqual(['listen=udp:127.0.0.1:25060', 'listen=tcp:127.0.0.1:25060', 'listen=tls:127.0.0.1:25061']);
    expect(listens(renderKamailioConfig({ ...input, ipv6: true }))).toHaveLength(6);
    expect(listens(renderKamailioConfig({ ...input, ipv6: true })).every((l) => /127\.0\.0\.1|\[::1\]/.test(l))).toBe(true);
  });

  it('refuses user names and domains that could break out of the script', () => {
    expect(() => renderKamailioConfig({ ...input, users: [{ user: 'a"b', password: 'x' }] })).toThrow(/user name/);
    expect(() => renderKamailioConfig({ ...input, users: [{ user: 'a$b', password: 'x' }] })).toThrow(/user name/);
    expect(() => renderKamailioConfig({ ...input, domain: 'pbx.test"; exit' })).toThrow(/domain/);
  });

  it('challenges only REGISTER when request authentication is off', () => {
    expect(renderKamailioConfig(input)).toContain('if (is_method("REGISTER") || from_uri == myself) {');
    expect(renderKamailioConfig({ ...input, authenticateRequests: false })).toContain('if (is_method("REGISTER")) {');
  });

  it('asks for client certificates only when a client CA is given', () => {
    const open = renderKamailioTlsConfig({ certPath: '/c', keyPath: '/k', method: 'TLSv1.2+' });
    expect(open).toContain('require_certificate = no');
    const mtls = renderKamailioTlsConfig({ certPath: '/c', keyPath: '/k', method: 'TLSv1.2', clientCaPath: '/ca' });
    expect(mtls).toMatch(/verify_certificate = yes\nrequire_certificate = yes\nca_list = \/ca/);
    expect(mtls).toContain('method = TLSv1.2\n');
  });
});
