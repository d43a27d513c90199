/** The URI schemes the app registers with the OS, routed to the dialer. */
export const DIAL_SCHEMES = ['sip', 'sips', 'tel'] as const;

/**
 * Finds a dial link in a command line (Windows/Linux hand links over as an argument, both on
 * first launch and to the running instance through 'second-instance').
 */
export function findDialLink(argv: readonly string[]): string | undefined {
  return argv.find((a) => DIAL_SCHEMES.some((s) => a.toLowerCase().startsWith(`${s}:`)));
}
