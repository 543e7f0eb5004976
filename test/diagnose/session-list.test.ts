/**
 * The session list read slice by slice (src/diagnose/session-list.ts) is the list read in one sort: the same rows in
 * the same order, sessions without a time last, each exactly once, whatever the slices' size — and the causes that
 * depend on the whole scope (an upgrade inferred from other sessions of the backend and path) stay those of the scope.
 * test/diagnose/spill.test.ts compares the two over 400,000 sessions under a small memory limit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configLogFormats } from '../../src/commands/open-inputs.js';
import { readConfig } from '../../src/config/read-config.js';
import { prepareDiagnoses, runQuery, streamQuery, type Scope } from '../../src/diagnose/run-query.js';
import { sessionList } from '../../src/diagnose/session-list.js';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { storeConfig } from '../../src/store/config-tables.js';
import { openDatabase, type Database, type Row } from '../../src/store/database.js';

const CONFIG = `defaults
    mode http
    timeout client 30s
    timeout server 30s
    timeout connect 5s
frontend fe_raw
    bind :81
    log-format "%ci:%cp %ft %b/%s %ST %Ta %tsc"
    default_backend be_ws
backend be_ws
    server ws1 127.0.0.1:8080
`;

/** httplog lines over several seconds, out of order and with equal times, and two lines of a format without a time. */
function lines(): string[] {
  const out: string[] = [];
  const seconds = [38, 37, 40, 37, 41, 38, 45, 39, 40, 37];
  seconds.forEach((s, i) => {
    const status = i % 3 === 0 ? '101' : '404';
    // A 404 on a path that upgrades elsewhere on the backend: an upgrade refused, inferred over the whole scope.
    out.push(`127.0.0.1:${36000 + i} [22/Nov/2026:04:41:${s}.629] fe_ws be_ws/ws1 0/0/0/1/${5000 + i} ${status} 217 - - ---- 2/1/0/0/0 0/0 "GET /ws/chat HTTP/1.1"`);
  });
  out.push('10.0.0.1:1000 fe_raw be_ws/ws1 101 5000 ----', '10.0.0.2:1000 fe_raw be_ws/ws1 502 5 SH--');
  return out;
}

describe('the session list read slice by slice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsdiag-session-list-'));
  let db: Database;

  beforeAll(async () => {
    const log = join(dir, 'haproxy.log');
    writeFileSync(log, `${lines().join('\n')}\n`);
    const config = readConfig(CONFIG, 'haproxy.cfg');
    db = await openDatabase(null);
    await storeConfig(db, config);
    await ingestInputs(db, [log], { timeZone: 'UTC', logFormats: configLogFormats(config) });
    await prepareDiagnoses(db);
  });

  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const collect = async (batches: AsyncGenerator<Row[]>): Promise<Row[]> => {
    const rows: Row[] = [];
    for await (const batch of batches) rows.push(...batch);
    return rows;
  };

  const everything: Scope = { since: null, until: null, backend: null };

  it('cuts the list where asked, and never inside a second', async () => {
    const cuts = async (sliceRows: number) => (await runQuery(db, 'session-list-slices', everything, { slice_rows: sliceRows })).map((r) => r['slice_from']);
    // Seconds 37 (3 sessions), 38 (2), 39, 40 (2), 41, 45: ten sessions with a time. Slices of 4: a slice starts
    // where the sessions before it reach the next multiple of 4 (0, 5 and 8 before 37, 39 and 41).
    expect(await cuts(1)).toEqual(['37', '38', '39', '40', '41', '45'].map((s) => `2026-11-22T04:41:${s}.000Z`));
    expect(await cuts(4)).toEqual(['2026-11-22T04:41:37.000Z', '2026-11-22T04:41:39.000Z', '2026-11-22T04:41:41.000Z']);
    expect(await cuts(100)).toEqual(['2026-11-22T04:41:37.000Z']);
  });

  it('gives the rows of the list read in one sort, for any size of slice', async () => {
    const whole = await collect(streamQuery(db, 'session-list', everything));
    expect(whole).toHaveLength(12);
    // Sessions without a time come last; the inferred refusals are there (decided over the whole scope).
    expect(whole.slice(-2).map((r) => [r['ts'], r['client_ip']])).toEqual([[null, '10.0.0.1'], [null, '10.0.0.2']]);
    expect(whole.filter((r) => r['cause'] === 'upgrade.rejected')).toHaveLength(6);
    for (const sliceRows of [1, 2, 3, 4, 7, 1000]) {
      expect(await collect(sessionList(db, everything, sliceRows)), `slices of ${sliceRows}`).toEqual(whole);
    }
  });

  it('keeps to the scope: a window leaves out the sessions without a time', async () => {
    const window: Scope = { since: '2026-11-22T04:41:38.000Z', until: '2026-11-22T04:41:41.000Z', backend: null };
    const whole = await collect(streamQuery(db, 'session-list', window));
    expect(whole.map((r) => r['ts'])).toEqual(['38.629', '38.629', '39.629', '40.629', '40.629'].map((s) => `2026-11-22T04:41:${s}Z`));
    for (const sliceRows of [1, 2, 1000]) expect(await collect(sessionList(db, window, sliceRows))).toEqual(whole);
  });
});
