import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import * as v from 'valibot';
import { err, ok, type Result } from '../base/result.js';
import { AccountConfigSchema, type AccountConfig } from '../../src-shared/model/account.js';

export interface AccountFileOptions {
  /** `--password-env VAR`: the SIP password comes from this environment variable (never from argv). */
  readonly passwordEnv?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Told when the file holds a password and group or others may read it. */
  readonly warn?: (message: string) => void;
}

/**
 * Reads an account file (the one schema shared with the app and provisioning; README "Accounts"),
 * validates it, and resolves relative certificate paths against the file's folder. A password in
 * the file is plain text: the CLI warns when group or others may read such a file (chmod 600), and
 * `--password-env VAR` keeps the password out of the file altogether.
 */
export async function loadAccountFile(path: string, cwd: string, options: AccountFileOptions = {}): Promise<Result<AccountConfig, string>> {
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
  const holdsPassword = parsed.output.password !== undefined || parsed.output.tls.clientCert?.password !== undefined;
  if (holdsPassword && process.platform !== 'win32') {
    const mode = (await stat(file)).mode & 0o777;
    if ((mode & 0o077) !== 0) options.warn?.(`warning: the account file ${path} holds a password and is readable by ${(mode & 0o007) !== 0 ? 'others' : 'its group'} (mode ${mode.toString(8).padStart(3, '0')}); run chmod 600 ${path}, or use --password-env VAR`);
  }
  let password = parsed.output.password;
  if (options.passwordEnv !== undefined) {
    password = options.env?.[options.passwordEnv];
    if (password === undefined || password === '') return err(`--password-env ${options.passwordEnv}: the environment variable is not set`);
  }
  const base = dirname(file);
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const a = parsed.output;
  const cert = a.tls.clientCert;
  return ok({
    ...a,
    ...(password === undefined ? {} : { password }),
    tls: {
      ...a.tls,
      caFiles: a.tls.caFiles.map(at),
      ...(cert === undefined ? {} : { clientCert: 'pkcs12' in cert ? { ...cert, pkcs12: at(cert.pkcs12) } : { ...cert, cert: at(cert.cert), key: at(cert.key) } }),
    },
  });
}
