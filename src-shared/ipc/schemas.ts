import * as v from 'valibot';
import { AccountViewSchema } from '../model/account.js';
import { RegistrationViewSchema } from '../model/registration.js';
import { VoicemailViewSchema } from '../model/voicemail.js';

/**
 * Shared payload schemas of the contract. Domain view models live in src-shared/model and are
 * re-exported here for the contract's use; small request and list shapes are declared here.
 */
export * from '../model/index.js';

/** A request without parameters. Still an object, so that later fields can be added compatibly. */
export const EmptySchema = v.strictObject({});

/** Acknowledgement of a command that returns nothing else. */
export const AckSchema = v.object({ done: v.literal(true) });

export const AccountListSchema = v.object({ accounts: v.array(AccountViewSchema), registrations: v.array(RegistrationViewSchema) });
export const AccountsChangedSchema = v.object({ accounts: v.array(AccountViewSchema) });
export const VoicemailListSchema = v.object({ mailboxes: v.array(VoicemailViewSchema) });
