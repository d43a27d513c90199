import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import * as v from 'valibot';
import { err, ok, type Result } from '../base/result.js';
import { AccountConfigSchema, type AccountConfig } from '../../src-shared/model/account.js';

/**
 * Reads an account file (the one schema shared with the app and provisioning; README "Accounts"),
 * validates it, and resolves relative certificate paths against the file's folder.
 */
export async function loadAccountFile(path: string, cwd: string): Promise<Result<AccountConfig, string>> {
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return err(`cannot read the account file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(`the account file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = v.safeParse(AccountConfigSchema, json);
  if (!parsed.success) {
    const issues = parsed.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`).join('; ');
    return err(`the account file ${path} is not valid: ${issues}`);
  }
  const base = dirname(file);
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const a = parsed.output;
  const cert = a.tls.clientCert;
  return ok({
    ...a,
    tls: {
      ...a.tls,
      caFiles: a.tls.caFiles.map(at),
      ...(cert === undefined ? {} : { clientCert: 'pkcs12' in cert ? { ...cert, pkcs12: at(cert.pkcs12) } : { ...cert, cert: at(cert.cert), key: at(cert.key) } }),
    },
  });
}
