/**
 * Runs a packaging command with no network, so that a test proves electron-builder needs none
 * (no Electron download, no helper-binary download). Where the test may create a network
 * namespace (`unshare -n`, root or user namespaces) the command runs in one with no interface but
 * loopback; elsewhere every proxy variable points at a closed local port, and the output says
 * which of the two was used.
 */
import { spawnSync } from 'node:child_process';

export interface OfflineRun {
  readonly status: number | null;
  /** stdout and stderr, in that order. */
  readonly output: string;
  readonly isolation: 'network namespace (unshare -n)' | 'proxies to a closed port';
  readonly seconds: number;
}

let canUnshare: boolean | undefined;

function networkNamespaceAvailable(): boolean {
  canUnshare ??= spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  return canUnshare;
}

export function runOffline(command: string, args: readonly string[], cwd: string, timeoutMs = 120_000): OfflineRun {
  const dead = 'http://127.0.0.1:9';
  // builder-util's logger goes silent when it sees VITEST (its own test suite); we want its log.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    HTTP_PROXY: dead,
    HTTPS_PROXY: dead,
    http_proxy: dead,
    https_proxy: dead,
    ELECTRON_GET_USE_PROXY: 'true',
    GLOBAL_AGENT_HTTP_PROXY: dead,
    GLOBAL_AGENT_HTTPS_PROXY: dead,
    NO_PROXY: '',
    no_proxy: '',
    // Never look for a signing identity (macOS only; harmless elsewhere).
    CSC_IDENTITY_AUTO_DISCOVERY: 'false',
  };
  const isolated = networkNamespaceAvailable();
  const started = performance.now();
  const r = isolated
    ? spawnSync('unshare', ['-n', command, ...args], { cwd, env, encoding: 'utf8', timeout: timeoutMs })
    : spawnSync(command, [...args], { cwd, env, encoding: 'utf8', timeout: timeoutMs });
  return {
    status: r.status,
    output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${String(r.error)}` : ''}`,
    isolation: isolated ? 'network namespace (unshare -n)' : 'proxies to a closed port',
    seconds: (performance.now() - started) / 1000,
  };
}
