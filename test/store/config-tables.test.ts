import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/read-config.js';
import { storeConfig } from '../../src/store/config-tables.js';
import { openDatabase } from '../../src/store/database.js';

/** A configuration larger than one INSERT's rows: 3 backends of 400 servers, cookies on every other one. */
function bigConfig(): string {
  const lines = ['defaults', '  mode http', '  timeout client 30s', '  timeout server 30s', 'frontend fe', '  bind :80', '  use_backend be1 if { path_beg /ws }', '  default_backend be0'];
  for (let b = 0; b < 3; b++) {
    lines.push(`backend be${b}`, '  timeout tunnel 1h', '  cookie SRV insert indirect nocache');
    for (let s = 0; s < 400; s++) lines.push(`  server s${s} 10.${b}.${s >> 8}.${s & 255}:80${s % 2 ? ` cookie c${s}` : ''} check${s % 3 ? '' : ' maxconn 10'}`);
  }
  return lines.join('\n') + '\n';
}

describe('storeConfig', () => {
  it('stores every proxy, timeout, server and route of a large configuration, values and NULLs as read', async () => {
    const config = readConfig(bigConfig(), 'big.cfg');
    const db = await openDatabase(null);
    try {
      await storeConfig(db, config);
      const count = async (table: string): Promise<number> => Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]!['n']);
      expect(await count('config_servers')).toBe(1200);
      expect(await count('config_proxies')).toBe(config.proxies.length);
      expect(await count('config_timeouts')).toBe(config.proxies.reduce((n, p) => n + Object.keys(p.timeouts).length, 0));
      expect((await db.query('SELECT frontend, backend, condition, is_default FROM config_routes ORDER BY is_default')).rows).toEqual([
        { frontend: 'fe', backend: 'be1', condition: 'if { path_beg /ws }', is_default: false },
        { frontend: 'fe', backend: 'be0', condition: null, is_default: true },
      ]);
      const server = async (backend: string, name: string) =>
        (await db.query('SELECT address, "check", backup, cookie, maxconn, file, line FROM config_servers WHERE backend = $b AND name = $n', { b: backend, n: name })).rows;
      expect(await server('be2', 's399')).toEqual([{ address: '10.2.1.143:80', check: true, backup: false, cookie: 'c399', maxconn: 10, file: 'big.cfg', line: 1217 }]);
      expect(await server('be0', 's0')).toEqual([{ address: '10.0.0.0:80', check: true, backup: false, cookie: null, maxconn: 10, file: 'big.cfg', line: 12 }]);
      expect((await db.query("SELECT ms, text FROM config_timeouts WHERE proxy = 'be1' AND name = 'tunnel'")).rows).toEqual([{ ms: 3_600_000, text: '1h' }]);

      // Stored again (another run with --config): replaced, not added to.
      await storeConfig(db, readConfig('frontend fe\n  bind :80\n  default_backend be\nbackend be\n  server a 10.0.0.1:80\n', 'small.cfg'));
      expect(await count('config_servers')).toBe(1);
      expect(await count('config_routes')).toBe(1);
    } finally {
      db.close();
    }
  });
});
