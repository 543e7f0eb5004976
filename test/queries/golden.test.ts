/**
 * One golden case per diagnosis, as data (angle-grinder keeps its end-to-end cases the same way):
 *
 *   test/queries/<query>/<case>/input.log     lines real HAProxy wrote (test/e2e/lab, samples/)
 *                               haproxy.cfg   the configuration it ran with (optional)
 *                               query.sql     for a setup macro: what to select from it (optional)
 *                               expected.json { rows, findings }: the query's rows and the findings its header makes
 *   test/queries/<query>/query.sql            what every case of a setup macro selects from it, unless the case has its own
 *
 * so that a change to one query shows its effect on its own. `UPDATE_GOLDEN=1 npx vitest run test/queries` writes
 * the expected files from what the queries give now: read the diff before committing it.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configFrontendFormats, configLogFormats } from '../../src/commands/open-inputs.js';
import { readConfig } from '../../src/config/read-config.js';
import { findingOf } from '../../src/diagnose/analyze.js';
import { loadQueries } from '../../src/diagnose/load-queries.js';
import { withScopedCauses } from '../../src/diagnose/materialized-scope.js';
import { prepareDiagnoses, runQueryResult } from '../../src/diagnose/run-query.js';
import { ingestInputs } from '../../src/pipeline/batch-policy.js';
import { storeConfig } from '../../src/store/config-tables.js';
import { openDatabase, type Row } from '../../src/store/database.js';

const HERE = fileURLToPath(new URL('./', import.meta.url));
const queries = loadQueries();
const isDir = (p: string): boolean => statSync(p).isDirectory();
const cases = readdirSync(HERE)
  .filter((q) => isDir(join(HERE, q)))
  .flatMap((q) => readdirSync(join(HERE, q)).filter((c) => isDir(join(HERE, q, c))).map((c) => [q, c] as const));

async function run(query: string, dir: string): Promise<{ rows: Row[]; findings: unknown[] }> {
  const db = await openDatabase(null);
  try {
    const cfgPath = join(dir, 'haproxy.cfg');
    const config = existsSync(cfgPath) ? readConfig(readFileSync(cfgPath, 'utf8'), 'haproxy.cfg') : null;
    if (config) await storeConfig(db, config);
    await ingestInputs(db, [join(dir, 'input.log')], { timeZone: 'UTC', logFormats: configLogFormats(config), frontendFormats: configFrontendFormats(config), parseOn: 'main' });
    await prepareDiagnoses(db);
    const scope = { since: null, until: null, backend: null };
    const q = queries.get(query)!;
    const own = [join(dir, 'query.sql'), join(dir, '..', 'query.sql')].find((p) => existsSync(p));
    // A diagnosis through the materialized scope, as `analyze` runs it; a setup macro as `query` and the drill-downs
    // read it (the scope keeps only what the diagnoses read: test/diagnose/analyze.test.ts holds it to the macro).
    const rows = own
      ? (await db.query(readFileSync(own, 'utf8'))).rows
      : await withScopedCauses(db, scope, async () => (await runQueryResult(db, query, scope)).rows);
    const spec = q.finding;
    const findings = spec ? rows.filter((r) => !spec.when || r[spec.when]).map((r) => findingOf(spec, r)) : [];
    return { rows: [...rows], findings };
  } finally {
    db.close();
  }
}

describe('golden case per diagnosis', () => {
  it('every diagnosis of the analysis and every setup macro has one', () => {
    const covered = new Set(cases.map(([q]) => q));
    const wanted = [...queries.values()].filter((q) => q.section !== null || q.kind === 'setup').map((q) => q.name);
    expect(wanted.filter((name) => !covered.has(name))).toEqual([]);
    expect([...covered].filter((name) => !queries.has(name))).toEqual([]);
  });

  it.each(cases)('%s / %s', async (query, name) => {
    const dir = join(HERE, query, name);
    const actual = JSON.parse(JSON.stringify(await run(query, dir))) as unknown;
    const path = join(dir, 'expected.json');
    if (process.env['UPDATE_GOLDEN'] || !existsSync(path)) writeFileSync(path, JSON.stringify(actual, null, 2) + '\n');
    expect(actual).toEqual(JSON.parse(readFileSync(path, 'utf8')));
  });
});
