/**
 * The short versions of `npm run soak` (issue 15 acceptance 3), with the same bounds as the long
 * runs: 3 simulated days of registration through restarts, flow deaths, network changes and
 * sleeps (fake clock; never unregistered more than 5 s after recovery was possible, no REGISTER
 * storm, no timer or heap growth), and 200 short calls through a real Kamailio over TLS (no
 * growth of handles, timers, sockets, file descriptors or heap beyond the bounds).
 *
 * Kamailio missing: a loud skip of the call soak, except under CI=true, where requirePeers throws.
 */
import { describe, expect, it } from 'vitest';
import { requirePeers } from '../interop/harness/peers.js';
import { runCallSoak } from './call-soak.js';
import { runRegistrationSoak, INCIDENT_KINDS } from './registration-soak.js';

const CI_DAYS = 3;
const CI_CALLS = 200;

describe('registration soak on a fake clock (short version of npm run soak)', () => {
  it(`stays registered through ${CI_DAYS} simulated days of PBX restarts, flow deaths, network changes and sleeps (gap ≤ 5 s after recovery is possible, no storm, no timer growth)`, async () => {
    // Incidents every 1-2 simulated hours so that every kind happens several times in 3 days.
    const r = await runRegistrationSoak({ days: CI_DAYS, seed: 15, minIncidentGapH: 1, maxIncidentGapH: 2, wallBudgetMs: 240_000 });
    console.log(JSON.stringify({ ...r, notableGaps: r.notableGaps.slice(0, 10) }));
    for (const kind of INCIDENT_KINDS) expect(r.incidents[kind], `incidents of kind ${kind}`).toBeGreaterThan(0);
    expect(r.simulatedDays).toBeGreaterThanOrEqual(CI_DAYS);
    expect(r.worstGapMs, `worst gap ${JSON.stringify(r.worstGap)}; notable: ${JSON.stringify(r.notableGaps.slice(0, 6))}`).toBeLessThanOrEqual(5000);
    expect(r.maxRegistersPerMinute).toBeLessThanOrEqual(20);
    expect(r.timersEnd).toBeLessThanOrEqual(r.timersStart + 3);
    expect(r.timersAfterDispose).toBe(0);
    expect(r.finalState).toBe('registered');
    expect(r.violations).toEqual([]);
  }, 300_000);
});

// Skips loudly (naming the Debian packages) where Kamailio is missing; under CI=true it throws.
const peers = requirePeers(['kamailio', 'openssl']);
// The skip reason: no Kamailio/openssl on this machine (requirePeers names the packages).
describe.skipIf(!peers.available)('call soak through a real Kamailio (short version of npm run soak)', () => {
  it(`${CI_CALLS} short TLS+SRTP calls leave no more handles, timers, sockets, descriptors or heap than the bounds allow`, async () => {
    const r = await runCallSoak({ calls: CI_CALLS, concurrency: 4, callees: 8, wallBudgetMs: 300_000 });
    console.log(JSON.stringify(r));
    expect(r.calls).toBe(CI_CALLS);
    expect(r.failed, r.failures.join('\n')).toBeLessThanOrEqual(1);
    expect(r.handlesAfter).toBeLessThanOrEqual(r.handlesBefore + 8);
    expect(r.timersAfter).toBeLessThanOrEqual(r.timersBefore + 6);
    expect(r.socketsAfter).toBeLessThanOrEqual(r.socketsBefore + 4);
    expect(r.fdsAfter).toBeLessThanOrEqual(r.fdsBefore + 8);
    expect(r.violations).toEqual([]);
  }, 420_000);
});
