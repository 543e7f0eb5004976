import { lintConfig } from '../config/lint-config.js';
import { displayText } from '../text/display-text.js';
import { ExitCode, UsageError, type RunCommand } from './command.js';
import { jsonOutput } from './json-output.js';
import { loadConfig } from './open-inputs.js';
import { checkGivenFiles } from './input-checks.js';

export const run: RunCommand = async ({ positionals, values }, io) => {
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new UsageError('lint takes one haproxy.cfg');
  const format = values['format'] ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format takes text or json');
  await checkGivenFiles('lint', { config: file });
  const config = (await loadConfig(file))!;
  const findings = lintConfig(config);
  if (format === 'json') io.out(jsonOutput({ findings, warnings: config.warnings }, io));
  else {
    for (const f of findings) {
      io.out(`${f.where.file}:${f.where.line}: ${f.severity}: ${displayText(f.message)} [${f.rule}]\n  why: ${displayText(f.why)}\n  fix: ${displayText(f.fix)}\n`);
    }
    for (const w of config.warnings) io.err(`wsdiag lint: ${displayText(w)}\n`);
    io.out(`${findings.length} finding(s): ${findings.filter((f) => f.severity === 'error').length} error(s), ${findings.filter((f) => f.severity === 'warning').length} warning(s)\n`);
  }
  return findings.some((f) => f.severity === 'error') ? ExitCode.threshold : ExitCode.ok;
};
