/**
 * A tiny authoritative DNS server over UDP on 127.0.0.1 for RFC 3263 tests (dns-packet codec).
 * Answers NAPTR/SRV/A/AAAA from an in-memory zone; unknown names get an empty answer (NODATA).
 * Records every question so tests can assert what the resolver asked.
 */
import * as dgram from 'node:dgram';
import dnsPacket, { type Answer } from 'dns-packet';

export interface TestZone {
  readonly naptr?: Record<string, { order: number; preference: number; flags: string; services: string; regexp: string; replacement: string }[]>;
  readonly srv?: Record<string, { priority: number; weight: number; port: number; target: string }[]>;
  readonly a?: Record<string, string[]>;
  readonly aaaa?: Record<string, string[]>;
}

export interface TestDnsServer {
  /** `127.0.0.1:port`, for `setServers`. */
  readonly address: string;
  readonly questions: string[];
  close(): Promise<void>;
}

export async function startTestDnsServer(zone: TestZone): Promise<TestDnsServer> {
  const socket = dgram.createSocket('udp4');
  const questions: string[] = [];
  socket.on('message', (msg, rinfo) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const answers: Answer[] = [];
    for (const q of query.questions ?? []) {
      const name = q.name.toLowerCase();
      questions.push(`${q.type} ${name}`);
      if (q.type === 'NAPTR') for (const data of zone.naptr?.[name] ?? []) answers.push({ type: 'NAPTR', name: q.name, ttl: 60, data });
      if (q.type === 'SRV') for (const data of zone.srv?.[name] ?? []) answers.push({ type: 'SRV', name: q.name, ttl: 60, data });
      if (q.type === 'A') for (const data of zone.a?.[name] ?? []) answers.push({ type: 'A', name: q.name, ttl: 60, data });
      if (q.type === 'AAAA') for (const data of zone.aaaa?.[name] ?? []) answers.push({ type: 'AAAA', name: q.name, ttl: 60, data });
    }
    const response = dnsPacket.encode({
      id: query.id ?? 0,
      type: 'response',
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED,
      questions: query.questions ?? [],
      answers,
    });
    socket.send(response, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    questions,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
