/** Shared by the commands that take log files: open the store and ingest the inputs into it. */
import { ingestInputs, type IngestReport } from '../ingest/ingest-inputs.js';
import { LogFormatError, unquoteConfigString } from '../parse/log-format.js';
import { createTimeZone } from '../parse/time-zone.js';
import { openDatabase, type Database } from '../store/database.js';
import { UsageError, type CommandIO } from './command.js';

export interface InputArgs {
  readonly db?: string;
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
  return { db: typeof values['db'] === 'string' ? values['db'] : undefined, logFormats, tz, maxLineBytes };
}

export async function openStore(args: InputArgs): Promise<Database> {
  return openDatabase(args.db ?? null);
}

export async function ingestInto(db: Database, paths: readonly string[], args: InputArgs): Promise<IngestReport> {
  try {
    return await ingestInputs(db, paths, {
      logFormats: args.logFormats.map((f, i) => ({ name: args.logFormats.length > 1 ? `custom${i + 1}` : 'custom', logFormat: unquoteConfigString(f) })),
      timeZone: args.tz,
      maxLineBytes: args.maxLineBytes,
    });
  } catch (error) {
    if (error instanceof LogFormatError) throw new UsageError(`--log-format: ${error.message}`);
    throw error;
  }
}

/** One line per input that was not read cleanly, on stderr. */
export function reportInputProblems(report: IngestReport, io: CommandIO): boolean {
  let problems = false;
  for (const input of report.inputs) {
    if (input.status === 'ok') continue;
    problems = true;
    io.err(`wsdiag: ${input.message ?? `${input.path}: ${input.status}`}${input.rolledBack ? ` — its ${input.lines} lines were rolled back` : ''}\n`);
  }
  return problems;
}
