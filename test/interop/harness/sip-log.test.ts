import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, parseLiteSipMessage, parseSipDump, sdpAddresses } from './sip-log.js';

// Shape of Kamailio 5.6 sipdump (mode 1) output, as captured by the harness.
const DUMP = [
  '====================',
  'tag: rcv',
  'pid: 18608',
  'process: 7',
  'time: 1795396262.311852',
  'date: Mon Nov 23 01:11:02 2026',
  'proto: tls ipv4',
  'srcip: 127.0.0.1',
  'srcport: 47424',
  'dstip: 127.0.0.1',
  'dstport: 25061',
  '~~~~~~~~~~~~~~~~~~~~',
  'INVITE sip:bob@pbx.test SIP/2.0\r',
  'v: SIP/2.0/TLS 127.0.0.1:47424;branch=z9hG4bK1\r',
  'f: <sip:alice@pbx.test>;tag=1\r',
  'To: <sip:bob@pbx.test>\r',
  'i: abc\r',
  'CSeq: 2 INVITE\r',
  'Subject: folded\r',
  ' line\r',
  'l: 60\r',
  '\r',
  'v=0\r',
  'o=- 1 1 IN IP4 127.0.0.1\r',
  'c=IN IP4 127.0.0.1\r',
  'm=audio 4000 RTP/SAVP 0\r',
  '',
  '||||||||||||||||||||',
  '====================',
  'tag: snd',
  'time: 1795396262.312215',
  'proto: tls ipv4',
  'srcip: 127.0.0.1',
  'srcport: 25061',
  'dstip: 127.0.0.1',
  'dstport: 47424',
  '~~~~~~~~~~~~~~~~~~~~',
  'SIP/2.0 407 Proxy Authentication Required\r',
  'CSeq: 2 INVITE\r',
  'Content-Length: 0\r',
  '\r',
  '||||||||||||||||||||',
  '',
].join('\n');

describe('sip-log: Kamailio sipdump reader', () => {
  it('parses direction, transport, addresses, headers (compact and folded) and body of each record', () => {
    const [a, b, ...rest] = parseSipDump(DUMP);
    expect(rest).toEqual([]);
    expect(a?.direction).toBe('in');
    expect(a?.proto).toBe('tls');
    expect(a?.src).toEqual({ ip: '127.0.0.1', port: 47424 });
    expect(a?.message.method).toBe('INVITE');
    expect(a?.message.header('Call-ID')).toBe('abc');
    expect(a?.message.header('via')).toContain('z9hG4bK1');
    expect(a?.message.header('subject')).toBe('folded line');
    expect(a?.message.body).toContain('m=audio 4000 RTP/SAVP 0');
    expect(b?.direction).toBe('out');
    expect(b?.message.status).toBe(407);
    expect(b?.message.cseqMethod).toBe('INVITE');
  });

  it('lists every SDP address and recognises loopback ones', () => {
    const sdp = parseLiteSipMessage('X sip:x SIP/2.0\r\n\r\no=- 1 1 IN IP4 127.0.0.1\r\nc=IN IP4 192.0.2.7\r\nm=audio 1 RTP/AVP 0\r\nc=IN IP6 ::1\r\n').body;
    expect(sdpAddresses(sdp)).toEqual(['127.0.0.1', '192.0.2.7', '::1']);
    expect(sdpAddresses(sdp).map(isLoopbackAddress)).toEqual([true, false, true]);
  });
});
