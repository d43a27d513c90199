import * as v from 'valibot';

/**
 * Shared payload schemas of the contract. Domain view models live in src-shared/model and are
 * re-exported here for the contract's use; small request shapes are declared here.
 */
export * from '../model/index.js';

/** A request without parameters. Still an object, so that later fields can be added compatibly. */
export const EmptySchema = v.strictObject({});

/** Acknowledgement of a command that returns nothing else. */
export const AckSchema = v.object({ done: v.literal(true) });
