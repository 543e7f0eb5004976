/**
 * `--engine clickhouse://user[:password]@host[:8123]/database` (HTTP; `clickhouses://` for HTTPS, port 8443 by
 * default): the server's HTTP interface, the user and the database the tables were created in.
 */
export interface ClickHouseTarget {
  readonly httpUrl: string;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** The URL as it may be printed: without the password. */
  readonly shown: string;
}

/** A URL that is not one: exit 1, in the words of a usage error (the command maps it). */
export class EngineUrlError extends Error {}

export function parseClickHouseUrl(text: string): ClickHouseTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EngineUrlError(`--engine takes clickhouse://user@host:8123/database, not '${text}'`);
  }
  const secure = url.protocol === 'clickhouses:';
  if (url.protocol !== 'clickhouse:' && !secure) {
    throw new EngineUrlError(`--engine takes clickhouse://user@host:8123/database (or clickhouses:// for HTTPS), not the scheme '${url.protocol.replace(/:$/, '')}'`);
  }
  if (!url.hostname) throw new EngineUrlError(`--engine: no host in '${text}' (clickhouse://user@host:8123/database)`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'default';
  if (database.includes('/')) throw new EngineUrlError(`--engine: '${database}' is not a database name`);
  const user = decodeURIComponent(url.username) || 'default';
  const password = decodeURIComponent(url.password);
  const port = url.port || (secure ? '8443' : '8123');
  const host = url.hostname;
  return {
    httpUrl: `${secure ? 'https' : 'http'}://${host}:${port}`,
    user,
    password,
    database,
    shown: `${secure ? 'clickhouses' : 'clickhouse'}://${user}@${host}:${port}/${database}`,
  };
}
