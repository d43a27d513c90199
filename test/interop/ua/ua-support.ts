/**
 * In-process user agents for the Kamailio interop suite: the same composition as the CLI
 * (`createHeadlessPhone`), with every log record (debug included) captured for the secrets check.
 */
import { join } from 'node:path';
import type { CliIo } from '../../../src-main/cli/cli-io.js';
import { createHeadlessPhone, type HeadlessPhone } from '../../../src-main/cli/headless-phone.js';
import type { PhoneEvent, PhoneService } from '../../../src-main/services/phone/phone-service.js';
import type { AccountConfigInput } from '../../../src-shared/model/account.js';
import { AccountConfigSchema } from '../../../src-shared/model/account.js';
import * as v from 'valibot';
import type { Result } from '../../../src-main/base/result.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import type { Kamailio } from '../harness/index.js';

/** Every log line and stdout line of every agent in this process (the secrets test greps it). */
export const capturedOutput: string[] = [];

export interface TestAgent {
  readonly name: string;
  readonly phone: PhoneService;
  readonly events: PhoneEvent[];
  waitFor(pred: (e: PhoneEvent) => boolean, timeoutMs?: number, fromIndex?: number): Promise<PhoneEvent>;
  close(): Promise<void>;
}

export function accountFor(kam: Kamailio, user: string, password: string, extra: Partial<AccountConfigInput> = {}): AccountConfigInput {
  return {
    uri: `sip:${user}@${kam.domain}`,
    password,
    outboundProxy: kam.proxyUri('tls'),
    registerExpires: 60,
    tls: { caFiles: [kam.caCertPath] },
    ...extra,
  };
}

export async function startAgent(name: string, account: AccountConfigInput, home: string): Promise<TestAgent> {
  const io: CliIo = {
    stdout: { write: (s: string) => capturedOutput.push(s) },
    stderr: { write: (s: string) => capturedOutput.push(s) },
    env: { SOFTPHONE_HOME: join(home, name) },
    cwd: process.cwd(),
  };
  const headless: HeadlessPhone = await createHeadlessPhone({ io, logLevel: 'debug' });
  const events: PhoneEvent[] = [];
  const waiters = new Set<() => void>();
  headless.engine.onEvent((e) => {
    events.push(e);
    capturedOutput.push(JSON.stringify(e));
    for (const w of [...waiters]) w();
  });
  const added = await headless.phone.accounts.add({ id: name, config: v.parse(AccountConfigSchema, account), enabled: true, makeDefault: true }, { ephemeral: true });
  if (!added.ok) throw new Error(`${name}: ${added.error.code}: ${added.error.message}`);
  return {
    name,
    phone: headless.engine,
    events,
    waitFor(pred, timeoutMs = 10_000, fromIndex = 0) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.slice(fromIndex).find(pred);
          if (found === undefined) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${name}: timed out waiting; events so far:\n${events.slice(fromIndex).map((e) => JSON.stringify(e).slice(0, 300)).join('\n')}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => headless.close(),
  };
}

/** The value of a successful result, or the test fails with the problem's code and words. */
export function unwrap<T>(r: Result<T, Problem>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

export const registered = (e: PhoneEvent): boolean => e.type === 'registration' && e.state.kind === 'registered';

export function callState(kind: string, pred: (e: Extract<PhoneEvent, { type: 'call' }>) => boolean = () => true) {
  return (e: PhoneEvent): boolean => e.type === 'call' && e.state.kind === kind && pred(e);
}

export function endedWith(code: string) {
  return (e: PhoneEvent): boolean => e.type === 'call' && e.state.kind === 'ended' && e.state.reason.code === code;
}

/** The call id of the first incoming call event. */
export async function incomingCall(agent: TestAgent, fromIndex = 0): Promise<string> {
  const e = await agent.waitFor(callState('incoming', (c) => c.call.direction === 'incoming'), 10_000, fromIndex);
  if (e.type !== 'call') throw new Error('unreachable');
  return e.call.callId;
}
