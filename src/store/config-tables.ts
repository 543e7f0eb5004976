/**
 * The configuration as tables, so that diagnostic SQL can join on it: config_proxies, config_timeouts,
 * config_servers, config_routes. Empty when no configuration was given.
 */
import type { HaproxyConfig } from '../config/read-config.js';
import type { Database } from './database.js';
import { CONFIG_SCHEMA_SQL } from './schema.js';


export async function storeConfig(db: Database, config: HaproxyConfig): Promise<void> {
  await db.run(CONFIG_SCHEMA_SQL);
  for (const table of ['config_proxies', 'config_timeouts', 'config_servers', 'config_routes']) await db.run(`DELETE FROM ${table}`);
  for (const p of config.proxies) {
    const opt = (name: string): boolean | null => p.options[name]?.enabled ?? null;
    await db.run(
      `INSERT INTO config_proxies VALUES ($name, $kind, $mode, $file, $line, $inherits, $lfk, $lf, $balance, $hash, $cname, $cmode, $cflags, $stick,
        $redispatch, $hsc, $hc, $ff, $cm, $cu, $ch, $ce)`,
      {
        name: p.name, kind: p.kind, mode: p.mode, file: p.where.file, line: p.where.line, inherits: p.inherits,
        lfk: p.logFormat?.kind ?? null, lf: p.logFormat?.logFormat ?? null, balance: p.balance?.algorithm ?? null, hash: p.hashType,
        cname: p.cookie?.name ?? null, cmode: p.cookie?.mode ?? null, cflags: p.cookie?.flags.join(' ') ?? null,
        stick: p.stickOn.map((s) => s.text).join('; ') || null,
        redispatch: opt('redispatch'), hsc: opt('http-server-close'), hc: opt('httpclose'), ff: opt('forwardfor'),
        cm: p.httpCheck?.method ?? null, cu: p.httpCheck?.uri ?? null, ch: p.httpCheck?.headers.join('; ') ?? null, ce: p.httpCheck?.expect ?? null,
      },
    );
    for (const [name, t] of Object.entries(p.timeouts)) {
      await db.run('INSERT INTO config_timeouts VALUES ($proxy, $name, $ms, $text, $file, $line, $from)', {
        proxy: p.name, name, ms: t.ms, text: t.text, file: t.where.file, line: t.where.line, from: t.from,
      });
    }
    for (const s of p.servers) {
      await db.run('INSERT INTO config_servers VALUES ($b, $n, $a, $c, $bk, $ck, $mc, $f, $l)', {
        b: p.name, n: s.name, a: s.address, c: s.check, bk: s.backup, ck: s.cookie, mc: s.maxconn, f: s.where.file, l: s.where.line,
      });
    }
    for (const r of p.useBackends) {
      await db.run('INSERT INTO config_routes VALUES ($fe, $be, $cond, false, $f, $l)', { fe: p.name, be: r.backend, cond: r.condition, f: r.where.file, l: r.where.line });
    }
    if (p.defaultBackend) {
      await db.run('INSERT INTO config_routes VALUES ($fe, $be, NULL, true, $f, $l)', { fe: p.name, be: p.defaultBackend, f: p.where.file, l: p.where.line });
    }
  }
}
