/**
 * External programs some suites drive (real HAProxy, Debian's Chromium, openssl, tmux). On a developer's
 * machine without them those suites are skipped, saying so; in CI (CI=true, where .ci/run installs them) a
 * missing program fails the run instead, so CI can never pass without them.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const inCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

/** Found on PATH (or at that absolute path), without running it. */
export function hasProgram(name: string): boolean {
  if (name.startsWith('/')) return existsSync(name);
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

/** True when the suite should be skipped: the program is missing and this is not CI. */
export function skipWithout(...programs: string[]): boolean {
  const missing = programs.filter((p) => !hasProgram(p));
  if (missing.length && !inCi) {
    process.stderr.write(`note: skipping tests that need ${missing.join(', ')} (apt-get install haproxy chromium openssl tmux)\n`);
  }
  return missing.length > 0 && !inCi;
}
