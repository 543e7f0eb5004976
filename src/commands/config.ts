import { displayText } from '../text/display-text.js';
import { tunnelTimeout } from '../config/read-config.js';
import { UsageError, type RunCommand } from './command.js';
import { jsonOutput } from './json-output.js';
import { loadConfig } from './open-inputs.js';
import { checkGivenFiles } from './input-checks.js';

export const run: RunCommand = async ({ positionals, values }, io) => {
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new UsageError('config takes one haproxy.cfg');
  await checkGivenFiles('config', { config: file });
  const config = (await loadConfig(file))!;
  if ((values['format'] ?? 'text') === 'json') {
    io.out(jsonOutput(config, io));
    return 0;
  }
  const byName = new Map(config.proxies.map((p) => [p.name, p] as const));
  for (const p of config.proxies) {
    io.out(`${p.kind} ${displayText(p.name)} (${p.where.file}:${p.where.line})${p.inherits ? ` from ${displayText(p.inherits)}` : ''}, mode ${p.mode ?? 'tcp'}\n`);
    if (p.logFormat) io.out(`  log format: ${p.logFormat.kind}${p.logFormat.kind === 'custom' ? ` ${displayText(p.logFormat.logFormat)}` : ''}\n`);
    for (const [name, t] of Object.entries(p.timeouts)) io.out(`  timeout ${name} ${t.text} (${t.ms} ms) at ${t.where.file}:${t.where.line}${t.from !== p.name ? ` [${t.from}]` : ''}\n`);
    if (p.cookie) io.out(`  cookie ${displayText(p.cookie.name)} ${p.cookie.flags.join(' ')}\n`);
    if (p.balance) io.out(`  balance ${displayText(p.balance.algorithm)}\n`);
    for (const s of p.servers) io.out(`  server ${displayText(s.name)} ${displayText(s.address)}${s.check ? ' check' : ''}${s.backup ? ' backup' : ''}${s.cookie ? ` cookie ${displayText(s.cookie)}` : ''}\n`);
    for (const r of p.useBackends) {
      const tt = tunnelTimeout(p, byName.get(r.backend));
      io.out(`  use_backend ${displayText(r.backend)} ${displayText(r.condition)}${tt ? ` — idle tunnels end at timeout ${tt.name} ${tt.timeout.text}` : ''}\n`);
    }
  }
  for (const w of config.warnings) io.err(`wsdiag config: ${displayText(w)}\n`);
  return 0;
};
