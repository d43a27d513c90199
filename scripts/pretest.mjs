#!/usr/bin/env node
// Makes sure the real peers the tests talk to are on this machine (DESIGN.md rule 12), so a
// newcomer's `npm test` on a fresh Debian/Ubuntu machine is a full run. As root with apt-get it
// installs what is missing (idempotent); elsewhere it names what is missing, and the tests that
// need it skip loudly — except under CI=true, where nothing may skip and this script fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

/** Debian package → how we know it is installed, and what the tests use it for. */
export const DEBIAN_PEERS = [
  { pkg: 'chromium', probe: '/usr/bin/chromium', why: 'browser end-to-end tests of the renderer (Playwright)' },
  { pkg: 'openssl', probe: '/usr/bin/openssl', why: 'test PKI generation' },
  { pkg: 'kamailio', probe: '/usr/sbin/kamailio', why: 'a real SIP registrar/proxy for user-agent interop tests' },
  { pkg: 'kamailio-tls-modules', probe: '/usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so', why: 'Kamailio over TLS' },
  { pkg: 'baresip', probe: '/usr/bin/baresip', why: 'an independent softphone with SDES-SRTP for call interop' },
  { pkg: 'sip-tester', probe: '/usr/bin/sipp', why: 'sipp scenarios as independent UAC/UAS' },
  { pkg: 'stunnel4', probe: '/usr/bin/stunnel4', why: 'TLS in front of sipp (built without TLS)' },
  { pkg: 'libsrtp2-dev', probe: '/usr/include/srtp2/srtp.h', why: 'packet-by-packet SRTP interop and benchmark against libsrtp2' },
  { pkg: 'libspandsp-dev', probe: '/usr/include/spandsp/g722.h', why: 'G.722 cross-check against spandsp' },
  { pkg: 'libasound2-dev', probe: '/usr/include/alsa/asoundlib.h', why: 'ALSA for the real naudiodon path' },
  { pkg: 'libasound2-plugins', probe: '/usr/share/doc/libasound2-plugins', why: 'ALSA file/null PCM plugins (no sound card)' },
  { pkg: 'pulseaudio', probe: '/usr/bin/pulseaudio', why: 'a null sink and its monitor: the real-time echo loop for echo-cancellation tests' },
  { pkg: 'libspeexdsp-dev', probe: '/usr/include/speex/speex_echo.h', why: 'the distribution speexdsp as the peer of the aec benchmark' },
  { pkg: 'sox', probe: '/usr/bin/sox', why: 'measuring recorded audio' },
  { pkg: 'espeak-ng', probe: '/usr/bin/espeak-ng', why: 'speech test audio' },
  { pkg: 'unzip', probe: '/usr/bin/unzip', why: 'checking the diagnostics bundle with Info-ZIP' },
  { pkg: 'patchelf', probe: '/usr/bin/patchelf', why: "packaging: naudiodon's RUNPATH made relative (build/after-pack.mjs), checked by test/packaging" },
  { pkg: 'gcc', probe: '/usr/bin/cc', why: 'building small C test helpers against libsrtp2/spandsp' },
  { pkg: 'pkg-config', probe: '/usr/bin/pkg-config', why: 'locating C libraries for test helpers' },
];

const isCi = process.env.CI === 'true';
const hasDpkg = spawnSync('sh', ['-c', 'command -v dpkg-query'], { stdio: 'ignore' }).status === 0;

/** Installed per dpkg where there is one (exact), else by the probe file. */
function present(peer) {
  if (hasDpkg) {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', peer.pkg], { encoding: 'utf8' });
    return r.status === 0 && r.stdout.includes('install ok installed');
  }
  return existsSync(peer.probe);
}

const missing = () => DEBIAN_PEERS.filter((p) => !present(p));

function canInstall() {
  return process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
}

function install(pkgs) {
  console.log(`pretest: installing Debian packages: ${pkgs.join(' ')}`);
  // Packages like kamailio start their own system service on install; tests start their own
  // instances on loopback, so service starts are refused while installing (policy-rc.d 101).
  const policy = '/usr/sbin/policy-rc.d';
  const hadPolicy = existsSync(policy);
  if (!hadPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  } finally {
    if (!hadPolicy) rmSync(policy, { force: true });
  }
}

let absent = missing();
if (absent.length > 0 && canInstall()) {
  try {
    install(absent.map((p) => p.pkg));
  } catch (e) {
    console.error(`pretest: apt-get failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  absent = missing();
}
if (absent.length === 0) {
  console.log(`pretest: all ${DEBIAN_PEERS.length} Debian test peers are present.`);
} else {
  const list = absent.map((p) => `  - ${p.pkg} (${p.why})`).join('\n');
  const banner = '*'.repeat(78);
  console.error(`\n${banner}\npretest: MISSING Debian packages; the tests that need them will SKIP:\n${list}\nInstall them with: sudo apt-get install ${absent.map((p) => p.pkg).join(' ')}\n${banner}\n`);
  if (isCi) {
    console.error('pretest: CI=true and peers are missing: failing instead of skipping.');
    process.exit(1);
  }
}
