/**
 * The committed samples are logs real HAProxy 2.6 wrote (test/e2e/lab regenerates them), each with the
 * ground truth of every client connection, keyed by client port. Every session must be found, and its
 * status, termination state and cause must be what happened.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/read-config.js';
import { prepareDiagnoses } from '../../src/diagnose/run-query.js';
import { ingestInputs } from '../../src/ingest/ingest-inputs.js';
import { storeConfig } from '../../src/store/config-tables.js';
import { openDatabase } from '../../src/store/database.js';

const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));

interface Truth {
  clientPort: number;
  scenario: string;
  backend: string;
  expected: { status: number | null; termination: string; cause: string; errorLog?: string };
}

/**
 * What happened that the log line cannot show, the cause wsdiag reports instead, and why. Sessions logged
 * early by `option logasap` (a `+` on Ta) are 'logged-early' whatever happened after: the line was written at
 * the 101, before the end.
 */
const LOG_CANNOT_TELL: Readonly<Record<string, { cause: string; why: string }>> = {
  'tcp.ws.hangup': { cause: 'ok', why: 'in TCP mode a server that closes at once is logged `--` with 0 bytes, exactly like a client that closes' },
};

const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.log') && existsSync(`${SAMPLES}${f.replace(/\.log$/, '.truth.json')}`));

async function load(name: string) {
  const db = await openDatabase(null);
  const cfgPath = `${SAMPLES}${name.replace(/\.log$/, '.cfg')}`;
  const config = existsSync(cfgPath) ? readConfig(readFileSync(cfgPath, 'utf8'), `samples/${name.replace(/\.log$/, '.cfg')}`) : null;
  if (config) await storeConfig(db, config);
  const logFormats = (config?.proxies ?? []).flatMap((p) => (p.logFormat?.kind === 'custom' ? [{ name: `custom:${p.name}`, logFormat: p.logFormat.logFormat }] : []));
  const report = await ingestInputs(db, [`${SAMPLES}${name}`], { timeZone: 'UTC', logFormats });
  await prepareDiagnoses(db);
  return { db, report };
}

describe.each(samples)('%s', (name) => {
  const truth: Truth[] = JSON.parse(readFileSync(`${SAMPLES}${name.replace(/\.log$/, '.truth.json')}`, 'utf8'));

  it('accounts for every line and rejects none', async () => {
    const { db, report } = await load(name);
    const t = report.totals;
    expect(t.sessions + t.events + t.rejects + t.blank).toBe(t.linesRead);
    const rejects = (await db.query('SELECT line_no, detail FROM rejects')).rows;
    expect(rejects).toEqual([]);
    db.close();
  });

  it.each(truth.map((t) => [`${t.scenario} (port ${t.clientPort})`, t] as const))('%s', async (_, t) => {
    const { db } = await load(name);
    if (t.expected.errorLog) {
      // A connection that failed before any request (TLS handshake): HAProxy writes an error-log line, an event.
      const { rows } = await db.query("SELECT kind, proxy, reason FROM events WHERE client_port = $port", { port: t.clientPort });
      db.close();
      expect(rows).toEqual([{ kind: 'connection.error', proxy: expect.any(String), reason: t.expected.errorLog }]);
      return;
    }
    const { rows } = await db.query(
      'SELECT status, termination, cause, backend, logasap FROM session_causes(NULL, NULL, NULL) WHERE client_port = $port',
      { port: t.clientPort },
    );
    db.close();
    expect(rows).toHaveLength(1);
    const cause = rows[0]!['logasap'] && t.expected.termination.startsWith('-') ? 'logged-early' : (LOG_CANNOT_TELL[t.scenario]?.cause ?? t.expected.cause);
    expect(rows[0]).toEqual({ status: t.expected.status, termination: t.expected.termination, cause, backend: t.backend, logasap: rows[0]!['logasap'] });
  });
});
