import { readFileSync } from 'node:fs';

/**
 * wsdiag's version, from its package.json (src/commands and dist/commands are both two levels below it). A module
 * of its own: the commands that stamp it on an export need not import the program, which imports them.
 */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
