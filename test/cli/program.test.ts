/** The command line as operators expect it: usage lines, suggestions, version, help, completion scripts. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { completionScript } from '../../src/commands/completion.js';
import { COMMANDS, LIVE_MAX_SESSIONS_DEFAULT } from '../../src/commands/index.js';
import { packageVersion } from '../../src/commands/package-version.js';
import { DEFAULT_MAX_SESSIONS } from '../../src/pipeline/live-policy.js';
import { hasProgram } from '../helpers/tools.js';
import { runInProcess as wsdiag } from '../helpers/capture-io.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-program-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('flag errors', () => {
  it('name the mistake, suggest the flag meant, and give the usage line (exit 1)', async () => {
    const r = await wsdiag(['analyze', 'samples/ws-httplog.log', '--formt', 'json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe("wsdiag analyze: unknown option '--formt' (did you mean --format?)");
    expect(lines[1]).toMatch(/^usage: wsdiag analyze FILE… /);
    expect(lines[2]).toBe("Run 'wsdiag analyze --help' for all its options.");
  });

  it('suggest the command meant', async () => {
    const r = await wsdiag(['analyse', 'x.log']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^wsdiag: unknown command 'analyse' \(did you mean analyze\?\)\nusage: wsdiag COMMAND/);
  });

  it('check choices while parsing, with the allowed values', async () => {
    const r = await wsdiag(['sessions', 'x.log', '--format', 'yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/argument 'yaml' is invalid\. Allowed choices are table, json, jsonl, csv/);
    expect(r.stderr).toMatch(/\nusage: wsdiag sessions /);
  });

  it('say a missing value in one line with balanced quotes', async () => {
    const r = await wsdiag(['analyze', 'x.log', '--since']);
    expect(r.code).toBe(1);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toMatch(/--since <value>' argument missing/);
    expect((first.match(/'/g) ?? []).length % 2).toBe(0);
  });

  it('from a command\'s own checks come with the usage line too', async () => {
    const r = await wsdiag(['analyze']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^wsdiag analyze: analyze needs log FILEs.*\nusage: wsdiag analyze /);
  });
});

describe('version and help', () => {
  it('-V, --version and `wsdiag version` print the package version', async () => {
    for (const args of [['-V'], ['--version'], ['version']]) {
      const r = await wsdiag(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toBe(`${packageVersion()}\n`);
    }
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('--help, -h and `help COMMAND` for every command; no command at all is a usage error with the help', async () => {
    const main = await wsdiag(['--help']);
    expect(main.code).toBe(0);
    for (const c of COMMANDS) expect(main.stdout).toContain(`  ${c.name} `);
    for (const c of COMMANDS) {
      for (const args of [[c.name, '--help'], [c.name, '-h'], ['help', c.name]]) {
        const r = await wsdiag(args);
        expect(r.code, args.join(' ')).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^Usage: wsdiag ${c.name} `));
        for (const o of Object.keys(c.options)) expect(r.stdout, `${c.name} --${o}`).toContain(`--${o}`);
      }
    }
    const none = await wsdiag([]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^Usage: wsdiag COMMAND/);
  });

  it("live's advertised row budget is the store's", () => {
    expect(LIVE_MAX_SESSIONS_DEFAULT).toBe(String(DEFAULT_MAX_SESSIONS));
  });
});

describe('completion scripts', () => {
  it('exist for bash, zsh and fish, name every command and flag, and refuse another shell', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const r = await wsdiag(['completion', shell]);
      expect(r.code, shell).toBe(0);
      for (const c of COMMANDS) {
        expect(r.stdout, `${shell} ${c.name}`).toContain(c.name);
        for (const o of Object.keys(c.options)) expect(r.stdout, `${shell} ${c.name} --${o}`).toContain(shell === 'fish' ? `-l ${o}` : `--${o}`);
      }
    }
    const bad = await wsdiag(['completion', 'tcsh']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/completion takes bash, zsh, fish/);
  });

  it.skipIf(!hasProgram('bash'))('bash completes commands, flags and a flag\'s choices', () => {
    const script = join(dir, 'wsdiag.bash');
    writeFileSync(script, completionScript('bash', COMMANDS)!);
    const complete = (...words: string[]): string[] =>
      execFileSync('bash', ['-c', `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _wsdiag; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).trim().split('\n');
    expect(complete('wsdiag', 'an')).toEqual(['analyze']);
    expect(complete('wsdiag', 'report', '--fo')).toEqual(['--format']);
    expect(complete('wsdiag', 'report', '--format', '')).toEqual(['markdown', 'html', 'json']);
    expect(complete('wsdiag', 'query', '--w')).toEqual(['--write']);
  });
});
