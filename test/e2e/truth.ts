/**
 * Shared by the end-to-end suites: load a log HAProxy wrote (with the configuration it ran with) and compare
 * every session with the ground truth recorded for its client connection.
 */
import { configFrontendFormats, configLogFormats } from '../../src/commands/open-inputs.js';
import { readConfig } from '../../src/config/read-config.js';
import { prepareDiagnoses } from '../../src/diagnose/run-query.js';
import { ingestInputs, type IngestReport } from '../../src/pipeline/batch-policy.js';
import { storeConfig } from '../../src/store/config-tables.js';
import { openDatabase, type Database, type Row } from '../../src/store/database.js';
import type { Truth } from './lab/ws-client.js';

/**
 * What happened that the log line cannot show, the cause wsdiag reports instead, and why. Sessions logged
 * early by `option logasap` (a `+` on Ta, termination `----`) are 'logged-early' whatever happened after.
 */
export const LOG_CANNOT_TELL: Readonly<Record<string, { cause: string; why: string }>> = {
  'tcp.ws.hangup': { cause: 'ok', why: 'in TCP mode a server that closes at once is logged `--` with 0 bytes, exactly like a client that closes' },
};

export async function loadLog(logPath: string, cfgText: string | null, cfgName: string, timeZone = 'UTC'): Promise<{ db: Database; report: IngestReport }> {
  const db = await openDatabase(null);
  const config = cfgText ? readConfig(cfgText, cfgName) : null;
  if (config) await storeConfig(db, config);
  // The same configuration-driven parsing as the CLI's --config.
  const report = await ingestInputs(db, [logPath], { timeZone, logFormats: configLogFormats(config), frontendFormats: configFrontendFormats(config) });
  await prepareDiagnoses(db);
  // Every session's cause evaluated once: observe() looks up one client port at a time.
  await db.run(`CREATE TEMP TABLE observed_sessions AS
    SELECT client_port, client_ip, status, coalesce(termination, '') AS termination, cause, backend, logasap FROM session_causes(NULL, NULL, NULL)`);
  return { db, report };
}

export interface Observed {
  expected: Row;
  actual: Row | Row[];
}

/** What wsdiag should say of one client connection, and what it says. */
export async function observe(db: Database, t: Truth): Promise<Observed> {
  if (t.expected.errorLog) {
    // A connection that failed before any request (TLS handshake): HAProxy writes an error-log line, an event.
    const { rows } = await db.query('SELECT kind, reason FROM events WHERE client_port = $port', { port: t.clientPort });
    return { expected: { kind: 'connection.error', reason: t.expected.errorLog }, actual: [...rows] };
  }
  // A format without a termination state (%tsc) logs none: '' stands for it in the truth.
  const { rows: byPort } = await db.query(
    `SELECT status, termination, cause, backend, logasap FROM observed_sessions
     WHERE client_port = $port AND ($ip IS NULL OR client_ip = $ip)`,
    { port: t.clientPort, ip: t.clientIp ?? null },
  );
  // Linux hands one ephemeral port to concurrent connections with different destinations (4-tuples differ),
  // so clients of two frontends can share a port: then the backend tells them apart.
  const rows = byPort.length > 1 ? byPort.filter((r) => r['backend'] === t.backend) : byPort;
  if (rows.length !== 1) return { expected: { sessions: 1 }, actual: { sessions: rows.length } };
  const logasap = rows[0]!['logasap'] === true;
  const cause = logasap && t.expected.termination.startsWith('-') ? 'logged-early' : (LOG_CANNOT_TELL[t.scenario]?.cause ?? t.expected.cause);
  return {
    expected: { status: t.expected.status, termination: t.expected.termination, cause, backend: t.backend, logasap },
    actual: rows[0]!,
  };
}
