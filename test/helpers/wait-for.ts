/**
 * Waits until `predicate` holds, looking again every few milliseconds: tests wait on the data they check, never
 * for a fixed time. The timeout is only an outer bound (a busy machine is slow, not wrong).
 */
export async function waitFor(predicate: () => Promise<boolean> | boolean, timeoutMs = 60_000, what = 'the condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
