/**
 * RFC 2782 target selection order: ascending priority; within one priority, a weighted random
 * order (each step picks a record with probability weight/sum, zero-weight records first in the
 * running sum so they are chosen rarely but can be chosen). Randomness is injected.
 */
import type { Rng } from '../../base/rng.js';
import type { SrvRecord } from './dns-port.js';

export function orderSrvRecords(records: readonly SrvRecord[], rng: Rng): SrvRecord[] {
  // A single "." target means "service decidedly not available" (RFC 2782). Port 0 cannot be
  // connected to: such a record is no target either (found by fuzzing, test/corpus/dns-answers/crashers).
  const usable = records.filter((r) => r.name !== '' && r.name !== '.' && r.port > 0 && r.port <= 65535);
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of usable) {
    const list = byPriority.get(r.priority) ?? [];
    list.push(r);
    byPriority.set(r.priority, list);
  }
  const out: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    // RFC 2782: "arrange all SRV RRs (that have not been ordered yet) in any order, except that all
    // those with weight 0 are placed at the beginning of the list".
    const pending = [...byPriority.get(priority)!].sort((a, b) => (a.weight === 0 ? -1 : 0) - (b.weight === 0 ? -1 : 0));
    while (pending.length > 0) {
      const total = pending.reduce((s, r) => s + r.weight, 0);
      const pick = total === 0 ? 0 : rng.uint32() % (total + 1);
      let running = 0;
      let index = pending.length - 1;
      for (let i = 0; i < pending.length; i++) {
        running += pending[i]!.weight;
        if (running >= pick) {
          index = i;
          break;
        }
      }
      out.push(pending.splice(index, 1)[0]!);
    }
  }
  return out;
}
