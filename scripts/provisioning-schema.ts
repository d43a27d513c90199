/**
 * Prints the JSON Schema of the provisioning document, generated from the valibot schema
 * (src-shared/model/provisioning.ts). `npm run provisioning-schema` writes
 * build/provisioning.schema.json; a test checks the committed file equals this output.
 */
import { toJsonSchema } from '@valibot/to-json-schema';
import { ProvisioningSchema } from '../src-shared/model/provisioning.js';

export function provisioningJsonSchema(): string {
  const schema = toJsonSchema(ProvisioningSchema, { errorMode: 'ignore', typeMode: 'input' });
  return `${JSON.stringify({ ...schema, $id: 'https://secure-softphone.example/provisioning.schema.json', title: 'Secure Softphone provisioning document' }, null, 2)}\n`;
}

if (process.argv[1]?.endsWith('provisioning-schema.ts') === true) process.stdout.write(provisioningJsonSchema());
