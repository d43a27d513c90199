/**
 * The wake-up floor of the media benchmark (bench/media.bench.ts): a Node process doing only
 * what wakes a call's process - a phase-locked 20 ms timer that sends one SRTP-sized datagram,
 * and the peer's datagram 50 times a second - with empty handlers. Two of these show what any
 * Node main process pays for a call before doing any media work.
 *
 * argv: MY_PORT PEER_PORT SECONDS; prints one JSON line {cpuPct, received}.
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { CpuMeter } from './cpu-meter.js';

const [myPort, peerPort, seconds] = process.argv.slice(2).map(Number) as [number, number, number];
const socket = dgram.createSocket('udp4');
socket.bind(myPort, '127.0.0.1');
const datagram = Buffer.alloc(182);
let received = 0;
socket.on('message', () => {
  received++;
});
const t0 = performance.now();
let ticks = 0;
const tick = (): void => {
  socket.send(datagram, peerPort, '127.0.0.1');
  ticks++;
  setTimeout(tick, Math.max(0, Math.ceil(t0 + (ticks + 1) * 20 - performance.now())));
};
tick();
// As in a leg: the first 2 s are not measured.
// CPU by 10 s window too, to compare the shape over a call with a leg's `cpuPctBy10s`.
setTimeout(() => {
  const meter = new CpuMeter();
  setTimeout(() => {
    const { cpuPct, cpuPctBy10s } = meter.stop();
    process.stdout.write(`${JSON.stringify({ cpuPct, received, cpuPctBy10s })}\n`);
    process.exit(0);
  }, seconds * 1000);
}, 2000);
