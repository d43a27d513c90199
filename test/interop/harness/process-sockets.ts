/**
 * The sockets a peer's process group holds, read from /proc (Linux), so tests can prove that a
 * peer binds only loopback addresses. Each socket is reported with its local address and, for
 * TCP, whether it listens.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface PeerSocket {
  readonly proto: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  readonly address: string;
  readonly port: number;
  /** TCP LISTEN, or a UDP socket (which always receives). */
  readonly listening: boolean;
  /** Remote address for connected sockets ('' when none). */
  readonly remote: string;
}

function hexToIpv4(hex: string): string {
  const n = parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join('.');
}

function hexToIpv6(hex: string): string {
  // Four little-endian 32-bit words.
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  const s = groups.join(':');
  if (s === '0:0:0:0:0:0:0:1') return '::1';
  if (s === '0:0:0:0:0:0:0:0') return '::';
  const mapped = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(s);
  if (mapped !== null) {
    const hi = parseInt(mapped[1] ?? '0', 16);
    const lo = parseInt(mapped[2] ?? '0', 16);
    return `::ffff:${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return s;
}

function inodesOfGroup(pgid: number): Set<string> {
  const inodes = new Set<string>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2] !== String(pgid)) continue;
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m?.[1] !== undefined) inodes.add(m[1]);
        } catch {
          // fd closed meanwhile
        }
      }
    } catch {
      // process gone meanwhile
    }
  }
  return inodes;
}

/** Every TCP/UDP socket (IPv4 and IPv6) held by any process of the group led by `pgid`. */
export function socketsOfProcessGroup(pgid: number): PeerSocket[] {
  const inodes = inodesOfGroup(pgid);
  const out: PeerSocket[] = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    let text: string;
    try {
      text = readFileSync(`/proc/net/${proto}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const [local, remote, state, inode] = [f[1], f[2], f[3], f[9]];
      if (local === undefined || remote === undefined || inode === undefined || !inodes.has(inode)) continue;
      const [lhex, lport] = local.split(':');
      const [rhex, rport] = remote.split(':');
      const v6 = proto.endsWith('6');
      const addr = (h: string | undefined): string => (v6 ? hexToIpv6(h ?? '') : hexToIpv4(h ?? ''));
      const remoteAddr = addr(rhex);
      const remotePort = parseInt(rport ?? '0', 16);
      out.push({
        proto,
        address: addr(lhex),
        port: parseInt(lport ?? '0', 16),
        listening: proto.startsWith('tcp') ? state === '0A' : true,
        remote: remotePort === 0 ? '' : `${remoteAddr}:${remotePort}`,
      });
    }
  }
  return out;
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackBind(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);
}
