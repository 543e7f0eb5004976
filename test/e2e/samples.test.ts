/**
 * The committed samples are logs real HAProxy 2.6 wrote (test/e2e/lab regenerates them), each with the
 * ground truth of every client connection, keyed by client port. Every session must be found, and its
 * status, termination state and cause must be what happened.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Truth } from './lab/ws-client.js';
import { loadLog, observe } from './truth.js';

const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.log') && existsSync(`${SAMPLES}${f.replace(/\.log$/, '.truth.json')}`));

async function load(name: string) {
  const cfg = `${SAMPLES}${name.replace(/\.log$/, '.cfg')}`;
  return loadLog(`${SAMPLES}${name}`, existsSync(cfg) ? readFileSync(cfg, 'utf8') : null, `samples/${name.replace(/\.log$/, '.cfg')}`);
}

describe.each(samples)('%s', (name) => {
  const truth: Truth[] = JSON.parse(readFileSync(`${SAMPLES}${name.replace(/\.log$/, '.truth.json')}`, 'utf8'));
  // One load per sample: the checks below only read it.
  let loaded: Awaited<ReturnType<typeof load>>;
  beforeAll(async () => {
    loaded = await load(name);
  });
  afterAll(() => loaded?.db.close());

  it('accounts for every line and rejects none', async () => {
    const t = loaded.report.totals;
    expect(t.sessions + t.events + t.rejects + t.blank).toBe(t.linesRead);
    expect((await loaded.db.query('SELECT line_no, detail FROM rejects')).rows).toEqual([]);
  });

  it.each(truth.map((t) => [`${t.scenario} (port ${t.clientPort})`, t] as const))('%s', async (_, t) => {
    const { expected, actual } = await observe(loaded.db, t);
    expect(actual).toEqual(Array.isArray(actual) ? [expected] : expected);
  });
});
