/**
 * `npm run bench -- ui [--runs N]` (N measured calls, default 12, after one warm-up call): how fast
 * the real UI reacts, on the `softphone web` page in headless Debian Chromium, with a real
 * Kamailio over TLS between our phone and a real baresip (the interop harness). Needs
 * `npm run build` (out/renderer, out/cli). Prints JSON lines (DESIGN.md rule 14; no test asserts
 * a time):
 *
 *  (a) `invite-to-ringing-banner`: from the INVITE written on our SIP connection to the
 *      "Incoming call from …" alertdialog painted. baresip dials us through Kamailio; the start
 *      is Kamailio's own timestamp of the INVITE it sends on our TLS connection (its `sipdump`
 *      module stamps every message with gettimeofday, in µs, as it is handed to the socket — the
 *      peer end of our SIP socket, so this is the INVITE's arrival at ours, give or take the
 *      loopback and TLS record, ≈ tens of µs). The end is taken in the page: a MutationObserver
 *      sees the alertdialog (found by role and accessible name), a requestAnimationFrame callback
 *      runs before the frame that shows it, and a message posted from that callback is handled
 *      after the frame was produced — that is "painted". Figures: mutation, frame, painted.
 *  (b) `answer-click-to-200-ok`: from the click on "Answer" (the click event's own timeStamp,
 *      in the page) to our 200 OK on the wire, as Kamailio stamps it when it has read it from
 *      our connection. This is the most honest end available: the caller baresip has no clock
 *      we can read per message, a small TLS client of our own in its place would add its own
 *      event loop, while Kamailio is the first thing that sees the 200 arrive.
 *      Both (a) and (b) compare the page's clock (performance.timeOrigin + performance.now(),
 *      sub-millisecond, from the same system clock as gettimeofday; drift over a run is far below
 *      the figures) with Kamailio's. Median and p95 (nearest rank) of N calls; target ≤ 50 ms.
 *  (c) `renderer-first-paint` (the page's `softphone:first-paint` mark, and the browser's
 *      first-contentful-paint, both ms from navigation) and `js-heap` (CDP Runtime.getHeapUsage
 *      after a forced GC, at idle after load and after the calls; performance.memory for reference).
 *  (d) `bundle`: bytes of out/renderer/assets/*.js and *.css, raw and gzip (zlib level 9).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../test/e2e/browser.js';
import { generateToneWav } from '../test/interop/harness/audio/test-audio.js';
import { startBaresip } from '../test/interop/harness/baresip/baresip.js';
import { HarnessScope } from '../test/interop/harness/harness-scope.js';
import { startKamailio, type Kamailio } from '../test/interop/harness/kamailio/kamailio.js';
import { ManagedProcess } from '../test/interop/harness/managed-process.js';
import { checkPeers } from '../test/interop/harness/peers.js';
import type { SipLogEntry } from '../test/interop/harness/sip-log.js';
import { ensureCliBuilt } from '../test/interop/media/support/cli-build.js';

const REPO = resolve(import.meta.dirname, '..');
const RENDERER = join(REPO, 'out/renderer');
const TARGET_MS = 50;
const ALICE = { user: 'alice', password: 'Alice-Bench-Pw-6612' };
const BOB = { user: 'bob', password: 'Bob-Bench-Pw-4471' };

const emit = (o: object): void => void process.stdout.write(`${JSON.stringify({ bench: 'ui', ...o })}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Args {
  runs: number;
}

function parseArgs(args: string[]): Args {
  const out: Args = { runs: 12 };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') out.runs = Math.max(10, Number(args[++i]));
    else throw new Error(`unknown argument ${args[i]} (usage: npm run bench -- ui [--runs N], N ≥ 10)`);
  }
  return out;
}

function stats(values: number[]): { median: number; p95: number; min: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  const r = (x: number): number => +x.toFixed(2);
  return { median: r(s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2), p95: r(rank(0.95)), min: r(s[0]!), max: r(s[s.length - 1]!) };
}

/** (d) Bundle size: every .js and .css under out/renderer/assets, raw and gzip -9. */
function bundleSizes(): void {
  const dir = join(RENDERER, 'assets');
  for (const ext of ['js', 'css'] as const) {
    const files = readdirSync(dir).filter((f) => f.endsWith(`.${ext}`));
    let raw = 0;
    let gzip = 0;
    for (const f of files) {
      const bytes = readFileSync(join(dir, f));
      raw += statSync(join(dir, f)).size;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    emit({ metric: 'bundle', kind: ext, files: files.length, rawBytes: raw, gzipBytes: gzip, unit: 'bytes' });
  }
}

/**
 * In the page (a string: bench/ is type-checked without DOM types): records when the incoming
 * alertdialog appears — found by role and accessible name like the tests find it — and the
 * timeStamp of every click on a button named "Answer".
 */
const PAGE_PROBE = `(() => {
  const w = window;
  if (w.__uiBench) return;
  const rec = { banners: [], clicks: [] };
  w.__uiBench = rec;
  const now = () => performance.timeOrigin + performance.now();
  const nameOf = (el) => {
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    if (ids.length > 0) return ids.map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').replace(/\\s+/g, ' ').trim();
    return (el.getAttribute('aria-label') || '').trim();
  };
  let shown = false;
  const check = () => {
    const banner = [...document.querySelectorAll('[role="alertdialog"]')].find((el) => nameOf(el).startsWith('Incoming call from'));
    if (banner && !shown) {
      shown = true;
      const mutation = now();
      requestAnimationFrame(() => {
        const frame = now();
        const ch = new MessageChannel();
        ch.port1.onmessage = () => rec.banners.push({ mutation, frame, painted: now() });
        ch.port2.postMessage(0);
      });
    } else if (!banner) shown = false;
  };
  new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest('button') : null;
    if (b && (b.getAttribute('aria-label') || b.textContent || '').trim() === 'Answer') rec.clicks.push(performance.timeOrigin + e.timeStamp);
  }, true);
})()`;

interface Probe {
  banners: { mutation: number; frame: number; painted: number }[];
  clicks: number[];
}

const readProbe = (page: Page): Promise<Probe> => page.evaluate('window.__uiBench') as Promise<Probe>;

async function waitForProbe(page: Page, what: string, ok: (p: Probe) => boolean, timeoutMs = 15_000): Promise<Probe> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await readProbe(page);
    if (ok(p)) return p;
    if (Date.now() > deadline) throw new Error(`ui bench: timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function sipMessage(kam: Kamailio, what: string, pred: (e: SipLogEntry) => boolean): Promise<SipLogEntry> {
  try {
    return await kam.waitForSipMessage(pred, 10_000);
  } catch (e) {
    throw new Error(`ui bench: ${what} not in Kamailio's log`, { cause: e });
  }
}

async function heap(page: Page, cdp: { send(m: string, p?: object): Promise<unknown> }): Promise<{ usedBytes: number; totalBytes: number; performanceMemoryUsed: number | null }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const h = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
  const pm = (await page.evaluate('performance.memory ? performance.memory.usedJSHeapSize : null')) as number | null;
  return { usedBytes: h.usedSize, totalBytes: h.totalSize, performanceMemoryUsed: pm };
}

export default async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const peers = checkPeers(['kamailio', 'baresip', 'openssl', 'sox']);
  const missing = [...peers.missing, chromiumAvailable() ? null : 'Debian chromium (/usr/bin/chromium)', existsSync(join(RENDERER, 'index.html')) ? null : 'the built renderer (npm run build)'].filter((m): m is string => m !== null);
  if (missing.length > 0) {
    emit({ error: `the ui bench needs: ${missing.join('; ')}` });
    process.exitCode = 2;
    return;
  }
  bundleSizes();

  const scope = HarnessScope.create('ui-bench');
  let failed = false;
  try {
    const kam = await startKamailio({ scope, users: [ALICE, BOB] });
    const bob = await startBaresip({ scope, kamailio: kam, user: BOB.user, password: BOB.password, answerMode: 'manual', codecs: ['PCMU'] });
    await bob.waitForRegistration();
    const tone = await generateToneWav(join(scope.dir, 'tone.wav'), { frequency: 1000, seconds: 300 });
    const accountFile = join(scope.dir, 'alice.json');
    writeFileSync(accountFile, JSON.stringify({ uri: `sip:${ALICE.user}@${kam.domain}`, password: ALICE.password, outboundProxy: kam.proxyUri('tls'), tls: { caFiles: [kam.caCertPath] }, mwi: false, codecs: ['PCMU'] }), { mode: 0o600 });
    const cli = await ensureCliBuilt();
    const web = ManagedProcess.spawn({ name: 'softphone-web', command: process.execPath, args: [cli, 'web', '--data', join(scope.dir, 'web-data'), '--account', accountFile, '--play', tone], logPath: join(scope.dir, 'softphone-web.log'), cwd: scope.dir, graceMs: 5000 });
    scope.track(web);
    scope.own(web);
    const url = (await web.waitForOutput(/URL: (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_%-]+)/, { timeoutMs: 20_000 }))[1]!;
    await sipMessage(kam, "alice's REGISTER 200", (e) => e.direction === 'out' && e.message.status === 200 && e.message.cseqMethod === 'REGISTER' && (e.message.header('to') ?? '').includes(`${ALICE.user}@`));

    const browser = await launchChromium();
    scope.own({ stop: browser.close });
    const page = await browser.browser.newPage({ viewport: { width: 480, height: 820 } });
    const cdp = await page.context().newCDPSession(page);
    await page.goto(url);
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 20_000 });
    await sleep(1500); // let the boot settle: stores loaded, fonts, idle GC

    // (c) first paint and heap at idle.
    const paint = (await page.evaluate(`(() => {
      const mark = performance.getEntriesByName('softphone:first-paint')[0];
      const fcp = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint');
      return { mark: mark ? mark.startTime : null, fcp: fcp ? fcp.startTime : null };
    })()`)) as { mark: number | null; fcp: number | null };
    emit({ metric: 'renderer-first-paint', mark: 'softphone:first-paint', valueMs: paint.mark === null ? null : +paint.mark.toFixed(1), firstContentfulPaintMs: paint.fcp === null ? null : +paint.fcp.toFixed(1), unit: 'ms from navigation start' });
    const idleHeap = await heap(page, cdp);
    emit({ metric: 'js-heap', when: 'idle after load', ...idleHeap, unit: 'bytes' });

    // (a) and (b), one warm-up call first.
    await page.evaluate(PAGE_PROBE);
    const aor = `sip:${ALICE.user}@${kam.domain}`;
    const banner = page.getByRole('alertdialog', { name: /^Incoming call from/ });
    const toBanner: { mutation: number; frame: number; painted: number }[] = [];
    const to200: number[] = [];
    for (let i = 0; i <= args.runs; i++) {
      const mark = Date.now() / 1000 - 0.001;
      const before = await readProbe(page);
      const from = bob.events.length;
      await bob.dial(aor);
      const probe = await waitForProbe(page, `the incoming banner (call ${i})`, (p) => p.banners.length > before.banners.length);
      const shown = probe.banners.at(-1)!;
      const invite = await sipMessage(kam, 'the INVITE to us', (e) => e.direction === 'out' && e.message.method === 'INVITE' && e.time >= mark);
      const callId = invite.message.header('call-id');
      await banner.getByRole('button', { name: 'Answer', exact: true }).click();
      const clicked = (await waitForProbe(page, 'the Answer click', (p) => p.clicks.length > before.clicks.length)).clicks.at(-1)!;
      const ok = await sipMessage(kam, 'our 200 OK', (e) => e.direction === 'in' && e.message.status === 200 && e.message.cseqMethod === 'INVITE' && e.message.header('call-id') === callId);
      await bob.waitForEvent('CALL_ESTABLISHED', { fromIndex: from, timeoutMs: 10_000 });
      if (i > 0) {
        const t = invite.time * 1000;
        toBanner.push({ mutation: shown.mutation - t, frame: shown.frame - t, painted: shown.painted - t });
        to200.push(ok.time * 1000 - clicked);
      } else emit({ metric: 'warm-up call (not counted)', inviteToBannerPaintedMs: +(shown.painted - invite.time * 1000).toFixed(2), answerClickTo200OkMs: +(ok.time * 1000 - clicked).toFixed(2) });
      const closed = bob.events.length;
      await bob.hangup();
      await bob.waitForEvent('CALL_CLOSED', { fromIndex: closed, timeoutMs: 10_000 });
      await page.getByRole('region', { name: /^Call with/ }).waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
      await sleep(300);
    }
    const a = stats(toBanner.map((x) => x.painted));
    emit({
      metric: 'invite-to-ringing-banner',
      from: "INVITE sent on our TLS connection (Kamailio's timestamp)",
      to: 'alertdialog "Incoming call from …" painted',
      runs: toBanner.length,
      ...a,
      unit: 'ms',
      targetMs: TARGET_MS,
      meetsTarget: a.p95 <= TARGET_MS,
      toMutation: stats(toBanner.map((x) => x.mutation)),
      toFrame: stats(toBanner.map((x) => x.frame)),
    });
    const b = stats(to200);
    emit({ metric: 'answer-click-to-200-ok', from: 'click on "Answer" (event timeStamp)', to: "our 200 OK read by Kamailio (its timestamp)", runs: to200.length, ...b, unit: 'ms', targetMs: TARGET_MS, meetsTarget: b.p95 <= TARGET_MS });
    emit({ metric: 'js-heap', when: `after ${args.runs + 1} calls`, ...(await heap(page, cdp)), unit: 'bytes' });
  } catch (e) {
    failed = true;
    emit({ error: (e as Error).message });
    process.exitCode = 1;
  } finally {
    await scope.dispose({ failed });
  }
}
