import type { OptionSpec } from './command.js';

/** Options shared by the commands that read logs. */
export const INPUT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  config: { type: 'string', description: 'haproxy.cfg: the log formats of its frontends, its timeouts, servers and persistence' },
  db: { type: 'string', description: 'DuckDB file to use (created if missing); without it, an in-memory database' },
  'log-format': { type: 'string', multiple: true, description: "a custom HAProxy log-format string, tried before the stock formats (repeatable)" },
  tz: { type: 'string', description: 'IANA time zone of the HAProxy host clock (accept dates carry no offset); default: this machine' },
  'max-line-bytes': { type: 'string', description: 'longer lines keep this many bytes and are rejected as too_long', default: '65536' },
};
