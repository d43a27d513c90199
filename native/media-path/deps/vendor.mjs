#!/usr/bin/env node
// Copies the parts of libsrtp2 and libopus the native media path builds from their upstream
// release trees into deps/, unmodified, and writes deps/sources.gypi (the source lists
// binding.gyp compiles). Run it to update a library:
//   node deps/vendor.mjs --srtp <libsrtp-2.5.0> --opus <opus-1.3.1>
// where each directory is the unpacked upstream tarball (Debian's .orig.tar.gz; the SHA-256 of
// each is in README.md). Nothing here runs at build time: the build only reads deps/.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name) => {
  const i = process.argv.indexOf(name);
  if (i < 0 || process.argv[i + 1] === undefined) throw new Error(`usage: node deps/vendor.mjs --srtp <libsrtp tree> --opus <opus tree> (missing ${name})`);
  return process.argv[i + 1];
};

function copy(fromRoot, toRoot, rel) {
  const to = join(toRoot, rel);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(join(fromRoot, rel), to);
}
const headersIn = (root, dir) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.h')).map((f) => `${dir}/${f}`);

/** A variable of an automake include file (`NAME = a.c \ b.c`), as a list. */
function mkList(text, name) {
  const m = new RegExp(`^${name}\\s*=\\s*((?:.*\\\\\\n)*.*)$`, 'm').exec(text);
  if (m === null) throw new Error(`no ${name}`);
  return m[1].split(/\\\n|\s+/).map((s) => s.trim()).filter((s) => s.length > 0);
}

// libsrtp2: its own AES-ICM and HMAC-SHA1 (no OpenSSL, no NSS), as meson.build's default.
const srtpTree = arg('--srtp');
const srtpSources = [
  'srtp/srtp.c',
  'crypto/cipher/cipher.c', 'crypto/cipher/cipher_test_cases.c', 'crypto/cipher/null_cipher.c', 'crypto/cipher/aes.c', 'crypto/cipher/aes_icm.c',
  'crypto/hash/auth.c', 'crypto/hash/auth_test_cases.c', 'crypto/hash/null_auth.c', 'crypto/hash/hmac.c', 'crypto/hash/sha1.c',
  'crypto/kernel/alloc.c', 'crypto/kernel/crypto_kernel.c', 'crypto/kernel/err.c', 'crypto/kernel/key.c',
  'crypto/math/datatypes.c',
  'crypto/replay/rdb.c', 'crypto/replay/rdbx.c',
];
const srtpHeaders = [...headersIn(srtpTree, 'include'), ...headersIn(srtpTree, 'crypto/include'), ...headersIn(srtpTree, 'crypto/cipher'), ...headersIn(srtpTree, 'crypto/hash')];
const srtpOut = join(here, 'libsrtp2');
rmSync(srtpOut, { recursive: true, force: true });
for (const f of [...srtpSources, ...srtpHeaders, 'LICENSE']) copy(srtpTree, srtpOut, f);

// libopus: the float build without SIMD (plain C on every CPU), as Makefile.unix lists it.
const opusTree = arg('--opus');
const mk = (f) => readFileSync(join(opusTree, f), 'utf8');
const opusSources = [
  ...mkList(mk('celt_sources.mk'), 'CELT_SOURCES'),
  ...mkList(mk('silk_sources.mk'), 'SILK_SOURCES'),
  ...mkList(mk('silk_sources.mk'), 'SILK_SOURCES_FLOAT'),
  ...mkList(mk('opus_sources.mk'), 'OPUS_SOURCES'),
  ...mkList(mk('opus_sources.mk'), 'OPUS_SOURCES_FLOAT'),
];
const opusHeaders = ['include', 'celt', 'silk', 'silk/float', 'src'].flatMap((d) => headersIn(opusTree, d));
const opusOut = join(here, 'opus');
rmSync(opusOut, { recursive: true, force: true });
for (const f of [...opusSources, ...opusHeaders, 'COPYING', 'AUTHORS']) copy(opusTree, opusOut, f);
for (const f of opusSources) if (!existsSync(join(opusOut, f))) throw new Error(`missing ${f}`);

const gypi = {
  variables: {
    srtp_sources: srtpSources.map((f) => `deps/libsrtp2/${f}`),
    opus_sources: opusSources.map((f) => `deps/opus/${f}`),
  },
};
writeFileSync(join(here, 'sources.gypi'), `# Written by deps/vendor.mjs: the upstream sources binding.gyp compiles.\n${JSON.stringify(gypi, null, 2)}\n`);
console.log(`vendored libsrtp2 (${srtpSources.length} sources, ${srtpHeaders.length} headers) and opus (${opusSources.length} sources, ${opusHeaders.length} headers)`);
