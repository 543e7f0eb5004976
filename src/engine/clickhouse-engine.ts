/**
 * The diagnoses on ClickHouse (`--engine clickhouse://user@host:8123/db`), over its HTTP interface through the
 * official client. Every query runs with the settings without which ClickHouse answers differently from DuckDB
 * (CLICKHOUSE_SETTINGS); values are bound as query parameters (`{name:Type}` in queries/clickhouse/), never
 * pasted. Rows come back with their types (JSONCompactEachRowWithNamesAndTypes) and leave as the same plain values
 * DuckDB's store gives: 64-bit integers as numbers, times as ISO 8601 UTC, named tuples and maps as objects.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { QueryResult, Row, SqlValue } from '../store/database.js';
import { StoreError } from '../store/store-failure.js';
import { displayText } from '../text/display-text.js';
import { parseClickHouseUrl, type ClickHouseTarget } from './clickhouse-url.js';
import { plainValue } from './clickhouse-values.js';
import type { QueryEngine } from './query-engine.js';

/**
 * Without these ClickHouse changes results silently: an outer join fills defaults (0, '') where DuckDB gives NULL;
 * an aggregate over no rows gives 0 instead of NULL; CAST drops Nullable; an alias shadows a column of the same
 * name inside the query.
 */
export const CLICKHOUSE_SETTINGS = {
  join_use_nulls: 1,
  aggregate_functions_null_for_empty: 1,
  cast_keep_nullable: 1,
  prefer_column_name_to_alias: 1,
} as const;

/** Typed SQL (`wsdiag query --engine`) reads and may change nothing: readonly 2 still lets a query set these settings. */
const READ_ONLY = { readonly: '2' } as const;

const FORMAT = 'JSONCompactEachRowWithNamesAndTypes';

/** What `wsdiag clickhouse-schema` creates and the diagnoses read. */
const REQUIRED_TABLES = ['sessions', 'events', 'rejects', 'raw_lines', 'ingests', 'config_timeouts', 'proxy_timeouts', 'session_causes', 'mass_disconnect_bursts'];

/** The first line of a ClickHouse error, without the client's stack; what a server sends is escaped for a terminal. */
const firstLine = (error: unknown): string => displayText(((error as Error)?.message ?? String(error)).split('\n')[0]!.trim());

export async function openClickHouse(url: string, options: { readonly requestTimeoutMs?: number } = {}): Promise<QueryEngine> {
  const target: ClickHouseTarget = parseClickHouseUrl(url);
  const client: ClickHouseClient = createClient({
    url: target.httpUrl,
    username: target.user,
    password: target.password,
    database: target.database,
    application: 'wsdiag',
    // Errors reach the command as exceptions, said in one line; the client's own log would repeat them on stderr.
    log: { level: ClickHouseLogLevel.OFF },
    request_timeout: options.requestTimeoutMs ?? 300_000,
    // Progress headers keep a long diagnosis's connection from looking idle to a load balancer in front.
    clickhouse_settings: { ...CLICKHOUSE_SETTINGS, send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '20000' },
  });
  // One line that says why, before any diagnosis runs: the server is down, the name does not resolve, the user is
  // refused, or the database holds no wsdiag tables.
  let present: string[];
  try {
    const check = await client.query({
      query: 'SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}',
      format: 'JSONEachRow',
      query_params: { names: REQUIRED_TABLES },
    });
    present = ((await check.json()) as { name: string }[]).map((r) => r.name);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new StoreError(`cannot reach ClickHouse at ${target.shown}: ${firstLine(error)}`, 'open');
  }
  const missing = REQUIRED_TABLES.filter((t) => !present.includes(t));
  if (missing.length) {
    await client.close().catch(() => undefined);
    throw new StoreError(`${target.shown} has no wsdiag tables (${missing.join(', ')}): create them with wsdiag clickhouse-schema (README "Many proxies")`, 'open');
  }
  let locked = false;
  const settings = (): Record<string, string | number> => ({ ...CLICKHOUSE_SETTINGS, ...(locked ? READ_ONLY : {}) });

  const toRows = (names: readonly string[], types: readonly string[], values: readonly unknown[][]): Row[] =>
    values.map((v) => {
      const row: Row = {};
      names.forEach((name, i) => (row[name] = plainValue(v[i], types[i]!)));
      return row;
    });

  async function query(sql: string, params: Record<string, SqlValue> = {}): Promise<QueryResult> {
    const result = await client.query({ query: sql, format: FORMAT, query_params: params, clickhouse_settings: settings() });
    const lines = (await result.json()) as unknown as unknown[][];
    const [names = [], types = [], ...values] = lines as [string[], string[], ...unknown[][]];
    return { columns: names, rows: toRows(names, types, values) };
  }

  return {
    dialect: 'clickhouse',
    path: target.shown,
    async run(sql, params = {}) {
      await client.command({ query: sql, query_params: params, clickhouse_settings: settings() });
    },
    query,
    async *stream(sql, params = {}) {
      const result = await client.query({ query: sql, format: FORMAT, query_params: params, clickhouse_settings: settings() });
      let names: string[] | null = null;
      let types: string[] | null = null;
      for await (const batch of result.stream()) {
        const values: unknown[][] = [];
        for (const line of batch) {
          const row = line.json() as unknown[];
          if (names === null) names = row as string[];
          else if (types === null) types = row as string[];
          else values.push(row);
        }
        if (names && types && values.length) yield { columns: names, rows: toRows(names, types, values) };
      }
    },
    async allowAnalysisMemory() {
      // The server's own limits apply.
    },
    async lockDown() {
      locked = true;
    },
    close() {
      void client.close();
    },
  };
}
