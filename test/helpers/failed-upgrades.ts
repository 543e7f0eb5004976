/**
 * A syslog file of `count` failed WebSocket upgrades (502 SH--, the server aborted before answering). Every one is
 * a session whose raw line is kept as evidence, under its line number; the text varies as real lines do.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeFailedUpgrades(dir: string, count: number): string {
  const path = join(dir, `failed-${count}.log`);
  const lines = Array.from({ length: count }, (_, i) =>
    `Nov 22 04:05:06 lb1 haproxy[77]: 10.0.${i % 250}.${i % 200}:${40000 + (i % 20000)} [22/Nov/2026:04:05:06.${String(i % 1000).padStart(3, '0')}] ` +
    `fe_main be_ws/ws${i % 4} 0/0/1/-1/${i % 97} 502 204 - - SH-- 5/4/3/2/0 0/0 "GET /ws/chat?room=${i % 300} HTTP/1.1"`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
