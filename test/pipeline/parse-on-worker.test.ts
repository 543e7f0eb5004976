/**
 * Files are parsed on a worker thread and stored on the main thread; stdin is parsed where it is stored. Both
 * paths must store exactly the same rows, whatever the lines: every sample HAProxy wrote, hostile lines, and
 * enough of them to cross batch boundaries with text columns null in some rows and set in others.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestInputs, type IngestOptions } from '../../src/pipeline/batch-policy.js';
import { generateLog } from '../../bench/generate-log.js';
import { createLineParser } from '../../src/parse/parse-line.js';
import { openDatabase } from '../../src/store/database.js';

const SAMPLES = new URL('../../samples/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'wsdiag-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Written once, on first use, and shared by the tests. */
let mixed: string | undefined;
function mixedFile(): string {
  if (mixed) return mixed;
  const sampleLines = readdirSync(SAMPLES)
    .filter((name) => name.endsWith('.log'))
    .sort()
    .flatMap((name) => readFileSync(new URL(name, SAMPLES), 'latin1').split('\n'));
  const hostile = [
    '', 'garbage \u001b[2J', 'x'.repeat(70_000), '\u00ff\u00fe not utf-8 \u00c3',
    'Nov 22 04:05:08 lb1 haproxy[77]: [::1]:6000 [22/Nov/2026:04:05:08.000] fe_tcp be_tcp/t1 0/0/3000 0 cD 1/1/1/1/0 0/0',
  ];
  const lines: string[] = [];
  // About 3 batches, so that batches with and without nulls in each text column follow one another.
  while (lines.length < 6500) lines.push(...sampleLines, ...hostile);
  const path = join(dir, 'mixed.log');
  writeFileSync(path, Buffer.from(lines.join('\n') + '\n', 'latin1'));
  mixed = path;
  return path;
}

async function store(path: string, options: IngestOptions): Promise<Record<string, unknown>> {
  const db = await openDatabase(null);
  try {
    const report = await ingestInputs(db, [path], { timeZone: 'UTC', ...options });
    const table = async (sql: string) => JSON.stringify((await db.query(sql)).rows);
    return {
      totals: { ...report.totals, inputs: null },
      sessions: await table('SELECT * EXCLUDE (source, source_id) FROM sessions ORDER BY line_no'),
      events: await table('SELECT * EXCLUDE (source_id) FROM events ORDER BY line_no'),
      rejects: await table('SELECT * EXCLUDE (source_id) FROM rejects ORDER BY line_no'),
      rawLines: await table('SELECT * EXCLUDE (source_id) FROM raw_lines ORDER BY line_no'),
    };
  } finally {
    db.close();
  }
}

describe('parsing on the ingest worker', () => {
  it('stores exactly what parsing on the main thread stores', { timeout: 60_000 }, async () => {
    const path = mixedFile();
    const onWorker = await store(path, {});
    const onMain = await store(path, { parseOn: 'main' });
    expect(JSON.parse(onWorker['sessions'] as string).length).toBeGreaterThan(2048);
    expect(JSON.parse(onWorker['rejects'] as string).length).toBeGreaterThan(0);
    for (const key of Object.keys(onMain)) expect({ [key]: onWorker[key] }).toEqual({ [key]: onMain[key] });
  });

  it('stores each text column as the parser read it, nulls included, across batches', { timeout: 60_000 }, async () => {
    const path = mixedFile();
    const stored = JSON.parse((await store(path, {}))['sessions'] as string) as Record<string, unknown>[];
    const parser = createLineParser({ timeZone: 'UTC' });
    const lines = readFileSync(path, 'latin1').split('\n');
    const expected = stored.map((row) => {
      const outcome = parser.parse(Buffer.from(lines[Number(row['line_no']) - 1]!, 'latin1').toString('utf8'));
      const s = outcome.kind === 'session' ? outcome.session : null;
      return { line_no: row['line_no'], uri: s?.uri, request_headers: s?.requestHeaders, response_headers: s?.responseHeaders };
    });
    const actual = stored.map((row) => ({ line_no: row['line_no'], uri: row['uri'], request_headers: row['request_headers'], response_headers: row['response_headers'] }));
    expect(actual).toEqual(expected);
    // Both kinds of value occur in each column, so the validity of every column is exercised.
    for (const column of ['uri', 'request_headers'] as const) {
      expect(actual.some((r) => r[column] === null)).toBe(true);
      expect(actual.some((r) => r[column] !== null)).toBe(true);
    }
  });

  it('stores the same rows when its replies are cut at session-table boundaries (small chunks, a boundary every 300 sessions)', { timeout: 60_000 }, async () => {
    const path = mixedFile();
    const whole = await store(path, {});
    const cut = await store(path, { commitLines: 300, chunkBytes: 8192 });
    expect(JSON.parse(cut['rawLines'] as string).length).toBeGreaterThan(0);
    for (const key of Object.keys(whole)) expect({ [key]: cut[key] }).toEqual({ [key]: whole[key] });
  });

  it('stores what stdin gives the same way as a file', { timeout: 60_000 }, async () => {
    const path = mixedFile();
    const { Readable } = await import('node:stream');
    const fromFile = await store(path, {});
    const fromStdin = await store('-', { stdin: Readable.from([readFileSync(path)]) });
    for (const key of ['sessions', 'events', 'rejects', 'rawLines']) expect({ [key]: fromStdin[key] }).toEqual({ [key]: fromFile[key] });
  });

  it('stores exactly what the string parser stores when lines are read from their bytes (the fast path)', { timeout: 120_000 }, async () => {
    // ASCII throughout, so every block may take the fast path: the generated benchmark log and the ASCII samples.
    const path = join(dir, 'ascii.log');
    await generateLog(path, { lines: 30_000, seed: 5 });
    const samples = readdirSync(SAMPLES).filter((name) => name.endsWith('.log')).sort()
      .flatMap((name) => readFileSync(new URL(name, SAMPLES), 'latin1').split('\n')).filter((l) => /^[\x00-\x7f]*$/.test(l));
    writeFileSync(path, readFileSync(path, 'latin1') + samples.join('\n') + '\n');
    const fast = await store(path, {});
    const slow = await store(path, { fastPath: false });
    expect(JSON.parse(fast['sessions'] as string).length).toBeGreaterThan(30_000);
    for (const key of Object.keys(slow)) expect({ [key]: fast[key] }).toEqual({ [key]: slow[key] });
  });
});
