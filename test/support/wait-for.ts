/** Polls `condition` every `intervalMs` of wall time until it holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number, describe: () => string, intervalMs = 100): Promise<void> {
  await waitForWithProgress(condition, () => 0, { stallMs: Infinity, timeoutMs }, describe, intervalMs);
}

/**
 * Polls `condition` every `intervalMs` of wall time until it holds. Throws when `progress()`
 * (a count that grows while work gets done) has not changed for `stallMs`, or after
 * `timeoutMs` in all. A loaded machine slows a real-time run down; only a stall fails it early.
 */
export async function waitForWithProgress(
  condition: () => boolean,
  progress: () => number,
  limits: { stallMs: number; timeoutMs: number },
  describe: () => string,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + limits.timeoutMs;
  let lastProgress = progress();
  let lastChangeAt = Date.now();
  while (!condition()) {
    const now = Date.now();
    const current = progress();
    if (current !== lastProgress) {
      lastProgress = current;
      lastChangeAt = now;
    }
    if (now - lastChangeAt > limits.stallMs) throw new Error(`no progress for ${limits.stallMs} ms waiting for ${describe()}`);
    if (now > deadline) throw new Error(`timed out after ${limits.timeoutMs} ms waiting for ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
