/**
 * Something that speaks ClickHouse's HTTP interface on 127.0.0.1, for the engine's HTTP path: a server that hands
 * each request to chdb (ClickHouse in this process). As ClickHouse's own server does, it takes the query as the
 * body, `param_<name>` values in their escaped text form, settings and `database` in the URL, the user in
 * basic authentication, and answers an error with status 500 and `Code: N. DB::Exception: …`. It records the
 * settings and parameters of each request, so that tests can see what the engine sent.
 *
 * chdb is an optional dependency (about 540 MB): `loadChdb()` is null where it is not installed.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChdbSession {
  query(sql: string, format?: string): string;
  queryBind(sql: string, args: object, format?: string): string;
  close(): void;
}

interface ChdbModule {
  Session: new (path?: string) => ChdbSession;
}

/** chdb, or null where it is not installed (it is an optional dependency). */
export async function loadChdb(): Promise<ChdbModule | null> {
  try {
    return (await import('chdb')) as unknown as ChdbModule;
  } catch {
    return null;
  }
}

/** Parameters of the URL that are not settings. */
const NOT_SETTINGS = new Set(['query', 'database', 'query_id', 'session_id', 'default_format', 'user', 'password', 'session_timeout', 'session_check']);

/** A `param_` value as ClickHouse's HTTP interface takes it (TSV escaping; `\N` is NULL) → the value chdb binds. */
function unescapeParam(text: string): string | null {
  if (text === '\\N') return null;
  return text.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' })[c] ?? c);
}

export interface RecordedRequest {
  readonly user: string | null;
  readonly database: string | null;
  readonly settings: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string | null>>;
  readonly query: string;
}

export interface ClickHouseHttp {
  readonly url: (user: string, database: string) => string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Settings the HTTP interface takes that are not ClickHouse settings chdb knows. */
const HTTP_ONLY = new Set(['enable_http_compression', 'wait_end_of_query', 'send_progress_in_http_headers', 'http_headers_progress_interval_ms']);

export async function serveClickHouseHttp(session: ChdbSession): Promise<ClickHouseHttp> {
  const requests: RecordedRequest[] = [];
  // A request's settings hold for it alone, as on a server; chdb's session keeps what is SET, so each request sets
  // what it sends and puts back to the default what the one before sent and it does not.
  const applied = new Map<string, string>();
  const apply = (settings: Readonly<Record<string, string>>): void => {
    for (const key of [...applied.keys()]) {
      if (key in settings) continue;
      session.query(`SET ${key} = DEFAULT`);
      applied.delete(key);
    }
    for (const [key, value] of Object.entries(settings)) {
      if (HTTP_ONLY.has(key) || applied.get(key) === value) continue;
      if (!/^[a-z_0-9]+$/.test(key) || !/^[A-Za-z0-9_.]+$/.test(value)) throw new Error(`Code: 115. DB::Exception: Unknown setting ${key}`);
      session.query(`SET ${key} = ${/^\d+$/.test(value) ? value : `'${value}'`}`);
      applied.set(key, value);
    }
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/ping') {
        response.end('Ok.\n');
        return;
      }
      let query = (await body(request)) || url.searchParams.get('query') || '';
      const auth = request.headers.authorization?.startsWith('Basic ') ? Buffer.from(request.headers.authorization.slice(6), 'base64').toString() : null;
      const settings: Record<string, string> = {};
      const params: Record<string, string | null> = {};
      for (const [key, value] of url.searchParams) {
        if (key.startsWith('param_')) params[key.slice(6)] = unescapeParam(value);
        else if (!NOT_SETTINGS.has(key)) settings[key] = value;
      }
      const database = url.searchParams.get('database');
      requests.push({ user: auth?.split(':')[0] ?? null, database, settings, params, query });
      const format = /\bFORMAT\s+(\w+)\s*;?\s*$/i.exec(query)?.[1] ?? 'TabSeparated';
      query = query.replace(/\bFORMAT\s+\w+\s*;?\s*$/i, '');
      try {
        if (database) session.query(`USE ${database}`);
        // readonly cannot be SET back in a session once set: it is enforced here, as the server does (code 164).
        if (settings['readonly'] && settings['readonly'] !== '0' && !/^\s*(SELECT|WITH|EXPLAIN|DESCRIBE|DESC|SHOW|EXISTS)\b/i.test(query)) {
          throw new Error('Code: 164. DB::Exception: Cannot execute query in readonly mode. (READONLY)');
        }
        apply(Object.fromEntries(Object.entries(settings).filter(([key]) => key !== 'readonly')));
        const result = Object.keys(params).length ? session.queryBind(query, params, format) : session.query(query, format);
        response.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Format': format });
        response.end(result);
      } catch (error) {
        const message = (error as Error).message;
        const code = /Code: (\d+)/.exec(message)?.[1] ?? '1001';
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': code });
        response.end(message.includes('DB::Exception') ? message.replace(/^.*?(Code: )/s, '$1') : `Code: ${code}. DB::Exception: ${message}`);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (user, database) => `clickhouse://${user}@127.0.0.1:${port}/${database}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
