import * as v from 'valibot';
import { ProblemSchema } from '../ipc/errors.js';
import { AccountConfigSchema } from './account.js';
import { CertificateReportViewSchema } from './certificate.js';

/** DNS walk → TCP connect (per address) → TLS handshake → certificate verdict → REGISTER → media check. */
export const TEST_STEPS = ['dns', 'connect', 'tls', 'certificate', 'register', 'media'] as const;
export const TestStepNameSchema = v.picklist(TEST_STEPS);

/** One step of an account's connection test, streamed as it runs (`accounts.testStep`). */
export const TestStepViewSchema = v.object({
  testId: v.string(),
  step: TestStepNameSchema,
  status: v.picklist(['running', 'passed', 'failed', 'skipped']),
  /** What was found, in words ("203.0.113.7:5061 via SRV", "TLSv1.3 TLS_AES_128_GCM_SHA256"). */
  summary: v.string(),
  durationMs: v.nullable(v.number()),
  /**
   * What the step found, line by line: the DNS walk (NAPTR → SRV → A/AAAA), each address tried
   * and how it went, the TLS parameters. Empty while running.
   */
  details: v.array(v.string()),
  problem: v.nullable(ProblemSchema),
  /** The certificate step carries the report for the certificate panel. */
  report: v.nullable(CertificateReportViewSchema),
});
export type TestStepView = v.InferOutput<typeof TestStepViewSchema>;

/** The whole test once finished. */
export const TestResultSchema = v.object({ testId: v.string(), ok: v.boolean(), steps: v.array(TestStepViewSchema) });
export type TestResultView = v.InferOutput<typeof TestResultSchema>;

/** `accounts.test`: a stored account, or a draft from the wizard before it is saved (password inward, once). */
export const AccountTestSchema = v.union([
  v.strictObject({ accountId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)) }),
  v.strictObject({ config: AccountConfigSchema }),
]);
export const TestStartedSchema = v.object({ testId: v.string() });
export const TestCancelSchema = v.strictObject({ testId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)) });
