/**
 * The IPC door (DESIGN.md rule 2) as the WebSocket carrier sees it: a text frame is read
 * (readRequestFrame), then the dispatcher validates the payload against the channel's schema
 * before any handler runs. Properties: the frame reader never throws; dispatch always settles
 * with an envelope whose error code is from the closed list; a handler only ever sees a payload
 * its request schema accepts; a malformed frame never reaches the dispatcher.
 */
import * as v from 'valibot';
import { createLogger } from '../../../src-main/base/logger.js';
import { err } from '../../../src-main/base/result.js';
import type { Bindings } from '../../../src-main/ipc/bindings-types.js';
import { IpcDispatcher } from '../../../src-main/ipc/dispatcher.js';
import { readRequestFrame } from '../../../src-main/ipc/websocket-protocol.js';
import { problem } from '../../../src-main/services/problems/problem-catalog.js';
import { contract } from '../../../src-shared/ipc/contract.js';
import { listChannels } from '../../../src-shared/ipc/define.js';
import { isErrorCode } from '../../../src-shared/ipc/errors.js';
import { readLines } from '../corpus-files.js';
import { assert, fail, utf8, type FuzzTarget } from '../target.js';

let dispatcher: IpcDispatcher<typeof contract> | undefined;
let violation: string | undefined;

function build(): IpcDispatcher<typeof contract> {
  const requests: Record<string, Record<string, unknown>> = {};
  const events: Record<string, Record<string, unknown>> = {};
  for (const entry of listChannels(contract)) {
    if (entry.spec.kind === 'request') {
      const schema = entry.spec.request;
      (requests[entry.domain] ??= {})[entry.name] = (payload: unknown) => {
        if (!v.is(schema, payload)) violation = `${entry.channel} handler ran with a payload its schema refuses: ${JSON.stringify(payload)?.slice(0, 200)}`;
        return err(problem('internal'));
      };
    } else {
      (events[entry.domain] ??= {})[entry.name] = () => ({ dispose: () => undefined });
    }
  }
  return new IpcDispatcher(contract, { requests, events } as unknown as Bindings<typeof contract>, createLogger({ sinks: [] }));
}

export const ipcFrameTarget: FuzzTarget = {
  name: 'ipc-frame',
  description: 'IPC WebSocket frames and contract validation: typed envelopes only, handlers see schema-valid payloads only',
  seeds: () => readLines('test/corpus/ipc-frame', ['.txt']),
  mutator: { dictionary: ['{', '}', '[', ']', '"', ':', ',', 'null', 'true', '1e309', '-0', '"__proto__"', '"constructor"', '"t":"req"', '"id":', '"ch":', '"p":', '\\u0000', '"rpc:accounts.add"', '{"config":{}}', '"x"'], text: true, maxLength: 8192 },
  check: async (input) => {
    dispatcher ??= build();
    const read = readRequestFrame(input.length > 0 && input[0] === 0xff ? null : utf8(input));
    if (!read.ok) {
      assert(read.id === null || typeof read.id === 'number' || typeof read.id === 'string', 'malformed frame id');
      return;
    }
    violation = undefined;
    const envelope = await dispatcher.dispatch(read.frame.ch, read.frame.p, { carrier: 'websocket', senderId: 'fuzz' });
    if (violation !== undefined) fail(violation);
    assert(typeof envelope === 'object' && envelope !== null && typeof envelope.ok === 'boolean', 'dispatch did not return an envelope');
    if (!envelope.ok) assert(isErrorCode(envelope.error.code) && typeof envelope.error.message === 'string', () => `envelope error ${JSON.stringify(envelope.error)}`);
    JSON.stringify(envelope);
  },
};
