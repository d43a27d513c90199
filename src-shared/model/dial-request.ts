import * as v from 'valibot';

/** A number or SIP address to put into the dialer, from a sip:/sips:/tel: link or the command line. */
export const DialRequestSchema = v.object({
  /** The target as the user will see it in the dialer, e.g. `sips:alice@example.com` or `+4930123456`. */
  target: v.pipe(v.string(), v.maxLength(512)),
  /** Where it came from. */
  source: v.picklist(['protocol-link', 'command-line', 'ui']),
});
export type DialRequest = v.InferOutput<typeof DialRequestSchema>;

/** Input of `dialer.openUri`: a raw URI as handed over by the OS. */
export const OpenUriSchema = v.object({ uri: v.pipe(v.string(), v.maxLength(2048)) });
export type OpenUri = v.InferOutput<typeof OpenUriSchema>;
