/**
 * The benches' answering phone: adds the bench account (ephemeral) and resolves once it has
 * registered; a refused account or no registration within 15 s is reported to the parent and
 * ends the child.
 */
import * as v from 'valibot';
import { AccountConfigSchema } from '../src-shared/model/account.js';
import type { Phone } from '../src-main/services/phone/create-phone.js';

export async function registerBenchAccount(phone: Phone, account: unknown, send: (m: { type: 'error'; message: string }) => void): Promise<void> {
  const registered = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not registered within 15 s')), 15_000);
    phone.engine.onEvent((e) => {
      if (e.type === 'registration' && e.state.kind === 'registered') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const added = await phone.accounts.add({ id: 'bench', config: v.parse(AccountConfigSchema, account), enabled: true, makeDefault: true }, { ephemeral: true });
  if (!added.ok) {
    send({ type: 'error', message: `${added.error.code}: ${added.error.message}` });
    process.exit(1);
  }
  await registered;
}
