/**
 * The fast path (LineParser.parseBytes: a line read from its bytes) against the string parser, line by line: over
 * every sample HAProxy wrote, the other projects' corpora, the generated benchmark log, and lines cut, duplicated
 * and corrupted at random (fast-check). Whenever the fast path answers, the string parser gives the same session,
 * field for field, with the same envelope and time; and it answers for most real lines, so it is what runs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { configFrontendFormats, configLogFormats } from '../../src/commands/open-inputs.js';
import { readConfig } from '../../src/config/read-config.js';
import { createLineParser, type LineParser, type LineParserOptions, type ParseOutcome } from '../../src/parse/parse-line.js';
import { generateLog } from '../../bench/generate-log.js';

const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
const CONFORMANCE = fileURLToPath(new URL('../../../shared/conformance/', import.meta.url));
const NOW = Date.UTC(2026, 11, 4);
const dir = mkdtempSync(join(tmpdir(), 'wsdiag-bytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lines of the generated benchmark log (the same generator as `npm run bench`). */
async function generated(lines: number, seed: number): Promise<string[]> {
  const path = join(dir, `gen-${lines}-${seed}.log`);
  await generateLog(path, { lines, seed });
  return readFileSync(path, 'latin1').split('\n').filter(Boolean);
}

function view(outcome: ParseOutcome | null): unknown {
  if (outcome === null) return null;
  if (outcome.kind !== 'session') return { kind: outcome.kind };
  return { kind: 'session', session: outcome.session.snapshot(), envelope: { ...outcome.envelope }, tsMs: outcome.tsMs };
}

/** Both paths on each line; returns how many lines the fast path answered, and every line where they differ. */
function compare(parser: LineParser, lines: readonly string[]): { fast: number; ascii: number; differ: string[] } {
  let fast = 0;
  let ascii = 0;
  const differ: string[] = [];
  for (const line of lines) {
    if (!/^[\x00-\x7f]*$/.test(line)) continue;
    ascii++;
    const bytes = Buffer.from(line, 'latin1');
    // Taken before the string parser runs: both fill the one reusable record.
    const byBytes = view(parser.parseBytes(bytes));
    const byString = view(parser.parse(line));
    if (byBytes === null) continue;
    fast++;
    try {
      expect(byBytes).toEqual(byString);
    } catch {
      differ.push(line);
    }
  }
  return { fast, ascii, differ };
}

function sampleCases(): { name: string; lines: string[]; options: LineParserOptions }[] {
  return readdirSync(SAMPLES).filter((f) => f.endsWith('.log')).sort().map((f) => {
    const cfgPath = join(SAMPLES, f.replace(/\.log$/, '.cfg'));
    let config = null;
    try {
      config = readConfig(readFileSync(cfgPath, 'utf8'), cfgPath);
    } catch {
      // A sample without its configuration.
    }
    return {
      name: f,
      lines: readFileSync(join(SAMPLES, f), 'latin1').split('\n'),
      options: { timeZone: 'UTC', nowMs: NOW, logFormats: configLogFormats(config), frontendFormats: configFrontendFormats(config) },
    };
  });
}

function corpusLines(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(log|0)$/.test(entry.name)) out.push(...readFileSync(path, 'latin1').split('\n'));
    }
  };
  walk(CONFORMANCE);
  return out;
}

describe('the fast path reads what the string parser reads', () => {
  it.each(sampleCases().map((c) => [c.name, c] as const))('over %s', (_name, c) => {
    const { differ } = compare(createLineParser(c.options), c.lines);
    expect(differ).toEqual([]);
  });

  it("over the other projects' corpora", () => {
    const { differ, fast } = compare(createLineParser({ timeZone: 'UTC', nowMs: NOW }), corpusLines());
    expect(differ).toEqual([]);
    expect(fast).toBeGreaterThan(0);
  });

  it('over the generated benchmark log, answering for nearly every line', async () => {
    const lines = await generated(20_000, 7);
    const { differ, fast, ascii } = compare(createLineParser({ timeZone: 'UTC', nowMs: NOW }), lines);
    expect(differ).toEqual([]);
    // The first line, and the few IPv6 ones (another format cannot read them… they are still httplog), may take the
    // string path; every other line is read from its bytes.
    expect(fast).toBeGreaterThan(ascii * 0.95);
  });

  it('over lines cut, duplicated and corrupted at random (fast-check)', async () => {
    const real = [...(await generated(300, 11)), ...sampleCases().flatMap((c) => c.lines)].filter((l) => l.length > 0 && /^[\x00-\x7f]*$/.test(l));
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(' ', '  ', '"', '-', '+', '1', '{', '}', '|', '[', ']', ':', '/', 'x', '\t', '-1', '~') }),
      fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }),
      fc.record({ op: fc.constant('replace' as const), at: fc.nat(), char: fc.integer({ min: 32, max: 126 }) }),
      // A separator turned into another blank, or doubled: where the formats are strict.
      fc.record({ op: fc.constant('respace' as const), at: fc.nat(), text: fc.constantFrom('\t', '  ', '') }),
    );
    fc.assert(
      fc.property(fc.nat({ max: real.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, mutations) => {
        let line = real[which]!;
        for (const m of mutations) {
          const at = m.at % (line.length + 1);
          if (m.op === 'cut') line = line.slice(0, at);
          else if (m.op === 'delete') line = line.slice(0, at) + line.slice(at + m.length);
          else if (m.op === 'insert') line = line.slice(0, at) + m.text + line.slice(at);
          else if (m.op === 'duplicate') line = line.slice(0, at + m.length) + line.slice(at, at + m.length) + line.slice(at + m.length);
          else if (m.op === 'replace') line = line.slice(0, at) + String.fromCharCode(m.char) + line.slice(at + 1);
          else {
            const spaces = [...line.matchAll(/ /g)].map((x) => x.index!);
            const space = spaces[at % Math.max(1, spaces.length)];
            if (space !== undefined) line = line.slice(0, space) + m.text + line.slice(space + 1);
          }
        }
        // A parser whose preferred format is the one of the original line, as it is in a stream of such lines.
        const parser = createLineParser({ timeZone: 'UTC', nowMs: NOW });
        parser.parse(real[which]!);
        const { differ } = compare(parser, [line]);
        expect(differ).toEqual([]);
      }),
      { numRuns: 3000, seed: 20261204 },
    );
  });
});
