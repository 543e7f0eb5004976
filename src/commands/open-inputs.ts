/** Shared by the commands that take log files: open the store and ingest the inputs into it. */
import { ingestInputs, type IngestReport } from '../pipeline/batch-policy.js';
import { LogFormatError, unquoteConfigString } from '../parse/log-format.js';
import type { NamedLogFormat } from '../parse/parse-line.js';
import { createTimeZone } from '../parse/time-zone.js';
import { readFile } from 'node:fs/promises';
import { readConfig, type HaproxyConfig } from '../config/read-config.js';
import { storeConfig } from '../store/config-tables.js';
import { openDatabase, type Database, type DatabaseOptions } from '../store/database.js';
import { InputError, UsageError, type CommandIO } from './command.js';

export interface InputArgs {
  readonly db?: string;
  readonly configPath?: string;
  readonly logFormats: readonly string[];
  readonly tz?: string;
  readonly maxLineBytes: number;
}

export function inputArgs(values: Record<string, string | boolean | string[] | undefined>): InputArgs {
  const raw = values['log-format'];
  const logFormats = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const tz = typeof values['tz'] === 'string' ? values['tz'] : undefined;
  if (tz) {
    try {
      createTimeZone(tz);
    } catch {
      throw new UsageError(`unknown time zone '${tz}' (use an IANA name such as Europe/Paris or UTC)`);
    }
  }
  const maxLineBytes = Number(values['max-line-bytes'] ?? 65536);
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 256 || maxLineBytes > 16 * 1024 * 1024) {
    throw new UsageError('--max-line-bytes takes a whole number from 256 to 16777216');
  }
  const configPath = typeof values['config'] === 'string' ? values['config'] : undefined;
  return { db: typeof values['db'] === 'string' ? values['db'] : undefined, configPath, logFormats, tz, maxLineBytes };
}

export interface Store {
  readonly db: Database;
  readonly config: HaproxyConfig | null;
}

/** Opens the database and, with --config, reads haproxy.cfg into the config_* tables. */
export async function openStore(args: InputArgs, options: DatabaseOptions = {}): Promise<Store> {
  const config = await loadConfig(args.configPath);
  if (config && options.readOnly && args.db) throw new UsageError(`--config stores the configuration in ${args.db}, which is opened read-only: add --write`);
  const db = await openDatabase(args.db ?? null, options);
  if (config) await storeConfig(db, config);
  return { db, config };
}

export async function loadConfig(path: string | undefined): Promise<HaproxyConfig | null> {
  if (!path) return null;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return readConfig(text, path);
}

/** Custom log formats the configuration declares (as written after log-format), so their lines parse. */
export function configLogFormats(config: HaproxyConfig | null): NamedLogFormat[] {
  if (!config) return [];
  const seen = new Map<string, NamedLogFormat>();
  for (const p of config.proxies) {
    if (p.logFormat?.kind === 'custom' && !seen.has(p.logFormat.logFormat)) {
      const captures = { request: p.captures.request.map((c) => c.header), response: p.captures.response.map((c) => c.header) };
      seen.set(p.logFormat.logFormat, { name: `custom:${p.name}`, logFormat: p.logFormat.logFormat, captures });
    }
  }
  return [...seen.values()];
}

/** Frontend → format name, from `option httplog/tcplog/httpslog`, `option httplog clf` and `log-format`. */
export function configFrontendFormats(config: HaproxyConfig | null): Map<string, string> {
  const map = new Map<string, string>();
  if (!config) return map;
  const custom = new Map(configLogFormats(config).map((f) => [f.logFormat, f.name] as const));
  for (const p of config.proxies) {
    if ((p.kind === 'frontend' || p.kind === 'listen') && p.logFormat) {
      map.set(p.name, p.logFormat.kind === 'custom' ? custom.get(p.logFormat.logFormat)! : p.logFormat.kind);
    }
  }
  return map;
}

export async function ingestInto(store: Store, paths: readonly string[], args: InputArgs, io?: CommandIO): Promise<IngestReport> {
  const { db, config } = store;
  try {
    return await ingestInputs(db, paths, {
      logFormats: [
        ...args.logFormats.map((f, i) => ({ name: args.logFormats.length > 1 ? `custom${i + 1}` : 'custom', logFormat: unquoteConfigString(f) })),
        ...configLogFormats(config),
      ],
      frontendFormats: configFrontendFormats(config),
      timeZone: args.tz,
      maxLineBytes: args.maxLineBytes,
      stdin: io?.stdin,
    });
  } catch (error) {
    if (error instanceof LogFormatError) throw new UsageError(`--log-format: ${error.message}`);
    throw error;
  }
}

/**
 * One line per input that was not read cleanly, on stderr (and a notice for one that looked known but was not);
 * and one when lines were read but not one of them was understood as a session (the wrong format, or a
 * configuration given as the log): whatever follows would diagnose nothing, so that is an input error too.
 */
export function reportInputProblems(report: IngestReport, io: CommandIO): boolean {
  let problems = false;
  for (const input of report.inputs) {
    if (input.notResumed.length) {
      io.err(`wsdiag: ${input.path} starts like ${input.notResumed.join(', ')} (stored before) but does not continue it: read as a new input\n`);
    }
    if (input.status === 'ok') continue;
    problems = true;
    io.err(`wsdiag: ${input.message ?? `${input.path}: ${input.status}`}${input.rolledBack ? ` — its ${input.lines} lines were rolled back` : ''}\n`);
  }
  const t = report.totals;
  if (t.sessions === 0 && t.rejects > 0) {
    problems = true;
    io.err(`wsdiag: no session line was understood (${t.rejects} of ${t.linesRead} lines rejected): pass --config haproxy.cfg or --log-format '…' with the format HAProxy logs in\n`);
  }
  return problems;
}
