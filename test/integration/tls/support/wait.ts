/** Polls `predicate` on real time until it holds (or fails the test after `timeoutMs`). */
export async function waitFor(predicate: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Socket/server handles alive in this process (for leak checks at the end of a test file). */
export function netHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => /^(TCPSocketWrap|TCPServerWrap|TLSWrap|UDPWrap)$/.test(r)).length;
}
