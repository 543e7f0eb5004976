/**
 * One analysis runs a dozen diagnoses over the same scope, and every one of them reads session_causes: evaluating
 * it (decoding names and times, the cause of every session) is most of what each would cost. So the scope is
 * evaluated once into a table, narrow on purpose — names and the client address as their keys,
 * the never-NULL booleans as bits of one integer, cause and confidence as a byte each, of the request's URI only its
 * first path segment and only where a diagnosis reads it — since writing a table costs DuckDB far more per value than reading one (a temporary table,
 * spilled to the scratch directory beyond the memory limit). For the length of the analysis, session_causes reads
 * that table and gives back session_causes' columns; a diagnosis reading a column it does not keep fails loudly (DuckDB: column
 * not found).
 */
import type { QueryEngine } from '../engine/query-engine.js';
import { clientIpOfKey } from '../store/schema.js';
import { prepareDiagnoses, QUERY_DEFAULTS, type Scope } from './run-query.js';

/** Booleans of session_causes that are never NULL, kept as bits of one column. */
const BITS = ['redispatched', 'logasap', 'upgrade_visible', 'connection_visible', 'connection_without_upgrade', 'upgrade_inferred'] as const;
const bit = (name: (typeof BITS)[number]): number => 1 << BITS.indexOf(name);

/** Name keys the table keeps: not the request's method or Upgrade header, which no diagnosis reads. */
const NAME_KEYS = ['frontend_key', 'backend_key', 'server_key', 'termination_key', 'version_key', 'connection_key'] as const;

/**
 * What the table keeps of each session. `upgraded` and the termination state's characters are derived again
 * (from the status and the termination's key), and the configured timeouts by the proxies' keys.
 */
const STORED = `c.source_id, c.line_no, c.ts, c.client_key, ${NAME_KEYS.map((k) => `c.${k}`).join(', ')},
  c.status, c.duration_ms, c.t_queue_ms, c.srv_queue, c.backend_queue, c.upgrade_requested, c.is_tunnel,
  ${BITS.map((b) => `CASE WHEN c.${b} THEN ${bit(b)} ELSE 0 END`).join(' | ')} AS bits,
  CAST(c.cause AS session_cause) AS cause, CAST(c.cause_confidence AS session_cause_confidence) AS cause_confidence,
  -- The first path segment, not the URI (no diagnosis reads more of it), and only of tunnels and failures:
  -- tunnels-by-server reads it of tunnels, errors of failures. (session-causes.sql's, computed once here.)
  CASE WHEN c.is_tunnel OR c.cause <> 'ok' THEN coalesce(regexp_extract(c.uri, '^(?:[a-z]+://[^/]*)?(/[^/?#]*)', 1), '') END AS path_prefix`;

let scopes = 0;

/**
 * The bursts of tunnel ends that two diagnoses read (mass-disconnects, and disconnect-clusters, which leaves them
 * out of its intervals): found once per scope, with the min_count every diagnosis passes (QUERY_DEFAULTS). A call
 * with another min_count fails on the first burst the scope holds (DuckDB: the error below); over a scope without
 * bursts it returns none, as it would at the scope's min_count — no diagnosis passes another.
 */
const BURST_MIN_COUNT = Number(QUERY_DEFAULTS.min_count);
const scopedBurstsMacro = (table: string): string => `
CREATE OR REPLACE TEMP MACRO mass_disconnect_bursts(since_ts, until_ts, backend_name, min_count) AS TABLE
SELECT * FROM ${table}
WHERE CASE WHEN min_count = ${BURST_MIN_COUNT} THEN true ELSE error('mass_disconnect_bursts: this scope holds the bursts of min_count ${BURST_MIN_COUNT}') END`;

/** The timeouts that end idle tunnels, as session_causes names them. */
const TIMEOUTS = ['tunnel', 'client', 'server'] as const;

/**
 * The scope's dictionary, one row: the names of the snapshot (`names`) and what the macro derives from them, as
 * lists indexed by id — a termination state's characters, and each proxy's configured timeouts by the key of its
 * name. Read by list lookups, which cost a query nothing it does not read (joins would cost each reference to
 * session_causes its own hash tables).
 */
const dictionarySql = (names: string): string => `
SELECT list(n.value ORDER BY g.i) AS names,
  list(substr(n.value, 1, 1) ORDER BY g.i) AS char1, list(substr(n.value, 2, 1) ORDER BY g.i) AS char2,
  list(NULLIF(substr(n.value, 3, 1), '') ORDER BY g.i) AS char3, list(NULLIF(substr(n.value, 4, 1), '') ORDER BY g.i) AS char4,
  ${TIMEOUTS.flatMap((k) => ['ms', 'text', 'where_set'].map((f) => `list(t.${k}_${f} ORDER BY g.i) AS ${k}_${f}`)).join(',\n  ')}
FROM range(1, (SELECT coalesce(max(id), 0) + 1 FROM ${names})) g(i)
LEFT JOIN ${names} n ON n.id = g.i
LEFT JOIN (
  SELECT proxy,
    ${TIMEOUTS.flatMap((k) => ['ms', 'text', 'where_set'].map((f) => `min(${f}) FILTER (WHERE name = '${k}') AS ${k}_${f}`)).join(',\n    ')}
  FROM proxy_timeouts() GROUP BY proxy
) t ON t.proxy = n.value`;

/** SQL of the macros over one materialized scope (`t` names its tables). */
function scopedMacros(t: (table: string) => string): string {
  const name = (key: string): string => `d.names[c.${key}]`;
  const char = (n: number): string => `d.char${n}[c.termination_key]`;
  const timeout = (k: (typeof TIMEOUTS)[number], proxy: string): string =>
    ['ms', 'text', 'where_set'].map((f) => `d.${k}_${f}[c.${proxy}] AS ${k}_timeout_${f === 'where_set' ? 'where' : f}`).join(', ');
  return `
CREATE OR REPLACE TEMP MACRO session_causes_keyed(since_ts, until_ts, backend_name) AS TABLE
SELECT c.source_id, c.line_no, c.ts, ${clientIpOfKey('c.client_key', 'd.names')} AS client_ip, ${name('frontend_key')} AS frontend,
  ${name('backend_key')} AS backend, ${name('server_key')} AS server, c.t_queue_ms, c.duration_ms, c.status,
  ${name('termination_key')} AS termination, ${char(1)} AS term_cause, ${char(2)} AS term_state, ${char(3)} AS term_cookie_client,
  ${char(4)} AS term_cookie_server, (c.bits & ${bit('redispatched')}) <> 0 AS redispatched, c.srv_queue, c.backend_queue,
  ${name('version_key')} AS http_version, ${name('connection_key')} AS connection_header, c.status = 101 AS upgraded, c.upgrade_requested,
  (c.bits & ${bit('logasap')}) <> 0 AS logasap, c.is_tunnel,
  coalesce(c.path_prefix, '') AS path_prefix,
  ${timeout('tunnel', 'backend_key')}, ${timeout('client', 'frontend_key')}, ${timeout('server', 'backend_key')},
  ${BITS.slice(2).map((b) => `(c.bits & ${bit(b)}) <> 0 AS ${b}`).join(', ')},
  c.cause, c.cause_confidence,
  ${NAME_KEYS.map((k) => `c.${k}`).join(', ')}, c.client_key
FROM ${t('causes')} c CROSS JOIN ${t('dictionary')} d;

CREATE OR REPLACE TEMP MACRO session_causes(since_ts, until_ts, backend_name) AS TABLE
SELECT * EXCLUDE (${[...NAME_KEYS, 'client_key'].join(', ')}) FROM session_causes_keyed(since_ts, until_ts, backend_name);`;
}

/**
 * Runs `fn` (several diagnoses over one scope) with session_causes evaluated once: the scope's sessions are
 * written to a table, with a snapshot of the names taken in the same transaction (live mode stores
 * while the screens analyse), and the macros read them for the length of `fn`; they are then defined again and
 * the tables dropped. Every diagnosis run inside must use `scope` (and QUERY_DEFAULTS' min_count).
 */
export async function withScopedCauses<T>(db: QueryEngine, scope: Scope, fn: () => Promise<T>): Promise<T> {
  // ClickHouse evaluates the session_causes view in each query: no temporary table on a server that may be a cluster.
  if (db.dialect === 'clickhouse') return fn();
  await prepareDiagnoses(db);
  const n = ++scopes;
  const t = (table: string): string => `scoped_${table}_${n}`;
  const create = 'CREATE TEMP TABLE';
  try {
    await db.run('BEGIN TRANSACTION');
    try {
      await db.run(`${create} ${t('causes')} AS SELECT ${STORED} FROM session_causes_keyed($since, $until, $backend) c`, { ...scope });
      await db.run(`${create} ${t('names')} AS SELECT id, value FROM names`);
      await db.run('COMMIT');
    } catch (error) {
      await db.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await db.run(`${create} ${t('dictionary')} AS ${dictionarySql(t('names'))}`);
    await db.run(scopedMacros(t));
    await db.run(`${create} ${t('bursts')} AS SELECT * FROM mass_disconnect_bursts($since, $until, $backend, $min_count)`, {
      ...scope,
      min_count: BURST_MIN_COUNT,
    });
    await db.run(scopedBurstsMacro(t('bursts')));
    return await fn();
  } finally {
    for (const table of ['causes', 'names', 'dictionary', 'bursts']) await db.run(`DROP TABLE IF EXISTS ${t(table)}`);
    await prepareDiagnoses(db);
  }
}
