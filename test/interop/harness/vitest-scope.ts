/**
 * Vitest wiring for a HarnessScope: created before the file's tests, disposed after them, kept
 * with its logs printed when any test (or the set-up itself) failed.
 *
 *   const scope = useHarnessScope('calls');
 *   beforeAll(async () => { kam = await startKamailio({ scope: scope(), users }); });
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { HarnessScope } from './harness-scope.js';
import { liveProcesses } from './process-registry.js';

export function useHarnessScope(label: string): () => HarnessScope {
  let scope: HarnessScope | undefined;
  beforeAll(() => {
    scope = HarnessScope.create(label);
  });
  beforeEach((context) => {
    context.onTestFailed(() => scope?.markFailed());
  });
  // Vitest 4 hands fixtures first (it insists on a destructuring pattern) and the suite second.
  // eslint-disable-next-line no-empty-pattern
  afterAll(async ({}, suite) => {
    const s = scope;
    if (s === undefined) return;
    // A failed beforeAll marks the suite failed without any test failing.
    const suiteFailed = suite.result?.state === 'fail' || (suite.result?.errors?.length ?? 0) > 0;
    await s.dispose({ failed: suiteFailed || s.hasFailed });
  });
  return () => {
    if (scope === undefined) throw new Error('useHarnessScope: the scope exists only inside hooks and tests');
    return scope;
  };
}

/** Throws when harness processes from this file are still running (call in a final afterAll). */
export function assertNoLivePeers(): void {
  const live = liveProcesses();
  if (live.length > 0) throw new Error(`leaked peer processes: ${live.map((p) => `${p.name}(${p.pid})`).join(', ')}`);
}
