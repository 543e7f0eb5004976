/**
 * The configuration as tables, so that diagnostic SQL can join on it: config_proxies, config_timeouts,
 * config_servers, config_routes. Empty when no configuration was given.
 */
import type { HaproxyConfig } from '../config/read-config.js';
import type { Database, SqlValue } from './database.js';
import { CONFIG_SCHEMA_SQL } from './schema.js';

export async function storeConfig(db: Database, config: HaproxyConfig): Promise<void> {
  const rows: Record<ConfigTable, SqlValue[][]> = { config_proxies: [], config_timeouts: [], config_servers: [], config_routes: [] };
  for (const p of config.proxies) {
    const opt = (name: string): boolean | null => p.options[name]?.enabled ?? null;
    rows.config_proxies.push([
      p.name, p.kind, p.mode, p.where.file, p.where.line, p.inherits,
      p.logFormat?.kind ?? null, p.logFormat?.logFormat ?? null, p.balance?.algorithm ?? null, p.hashType,
      p.cookie?.name ?? null, p.cookie?.mode ?? null, p.cookie?.flags.join(' ') ?? null, p.stickOn.map((s) => s.text).join('; ') || null,
      opt('redispatch'), opt('http-server-close'), opt('httpclose'), opt('forwardfor'),
      p.httpCheck?.method ?? null, p.httpCheck?.uri ?? null, p.httpCheck?.headers.join('; ') ?? null, p.httpCheck?.expect ?? null,
    ]);
    for (const [name, t] of Object.entries(p.timeouts)) rows.config_timeouts.push([p.name, name, t.ms, t.text, t.where.file, t.where.line, t.from]);
    for (const s of p.servers) rows.config_servers.push([p.name, s.name, s.address, s.check, s.backup, s.cookie, s.maxconn, s.where.file, s.where.line]);
    for (const r of p.useBackends) rows.config_routes.push([p.name, r.backend, r.condition, false, r.where.file, r.where.line]);
    if (p.defaultBackend) rows.config_routes.push([p.name, p.defaultBackend, null, true, p.where.file, p.where.line]);
  }
  await db.run(CONFIG_SCHEMA_SQL);
  for (const [table, values] of Object.entries(rows) as [ConfigTable, SqlValue[][]][]) {
    await db.run(`DELETE FROM ${table}`);
    // One statement per table, every value bound: a statement per row cost an analysis ~200 ms on a small configuration.
    for (let at = 0; at < values.length; at += ROWS_PER_INSERT) await insertRows(db, table, values.slice(at, at + ROWS_PER_INSERT));
  }
}

type ConfigTable = 'config_proxies' | 'config_timeouts' | 'config_servers' | 'config_routes';

/** Rows per INSERT: a large configuration (thousands of servers) in statements of bounded size. */
const ROWS_PER_INSERT = 500;

async function insertRows(db: Database, table: ConfigTable, values: SqlValue[][]): Promise<void> {
  if (!values.length) return;
  const params: Record<string, SqlValue> = {};
  const tuples = values.map((row, r) => `(${row.map((value, c) => {
    params[`v${r}_${c}`] = value;
    return `$v${r}_${c}`;
  }).join(', ')})`);
  await db.run(`INSERT INTO ${table} VALUES ${tuples.join(', ')}`, params);
}
