import { configLogFormats } from './open-inputs.js';
import { DEFAULT_MAX_SESSIONS, followInputs, LIVE_DATABASE, type FollowInput } from '../ingest/follow-inputs.js';
import { nextRunDelay } from '../store/pacing.js';
import { LogFormatError, unquoteConfigString } from '../parse/log-format.js';
import { formatAnalysis } from '../report/analysis-formats.js';
import type { Database } from '../store/database.js';
import { createSerializer } from '../store/serializer.js';
import { createScreenSource } from '../diagnose/screen-source.js';
import { ExitCode, UsageError, type CommandSpec } from './command.js';
import { INPUT_OPTIONS } from './common-options.js';
import { createFindingDiff, summaryLine } from './live-report.js';
import { inputArgs, openStore } from './open-inputs.js';

const FORMATS = ['text', 'jsonl'] as const;
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag} takes a duration such as 30s, 15m or 1h`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

export const liveCommand: CommandSpec = {
  name: 'live',
  usage: 'wsdiag live [-|FILE…] [--follow FILE] [--config haproxy.cfg] [--window 15m] [--format text|jsonl]',
  summary: 'Watch logs as they come (tail -f haproxy.log | wsdiag live): screens on a terminal, summaries or NDJSON otherwise',
  options: {
    ...INPUT_OPTIONS,
    follow: { type: 'string', multiple: true, description: 'follow this file as tail -F does (rotation, truncation, a file that appears later; repeatable)' },
    window: { type: 'string', description: 'diagnose the last WINDOW of log time, and forget older rows', default: '15m' },
    'max-sessions': { type: 'string', description: 'keep at most about this many sessions and rejected lines (memory): a busier window is cut short, and the screens say so', default: String(DEFAULT_MAX_SESSIONS) },
    interval: { type: 'string', description: 'without a terminal: how often to print (at least 1s)', default: '1s' },
    backend: { type: 'string', description: 'only this backend' },
    format: { type: 'string', description: `without a terminal: ${FORMATS.join(', ')}`, default: 'text' },
  },
  async run({ positionals, values }, io) {
    const format = (values['format'] ?? 'text') as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new UsageError(`--format takes ${FORMATS.join(', ')}`);
    const windowMs = parseDuration(String(values['window'] ?? '15m'), '--window');
    const maxSessions = Number(values['max-sessions'] ?? DEFAULT_MAX_SESSIONS);
    if (!Number.isInteger(maxSessions) || maxSessions < 1000) throw new UsageError('--max-sessions takes a whole number of at least 1000');
    const intervalMs = Math.max(1000, parseDuration(String(values['interval'] ?? '1s'), '--interval'));
    const args = inputArgs(values);
    const follow = Array.isArray(values['follow']) ? values['follow'] : [];
    const inputs: FollowInput[] = [...positionals.map((path) => ({ path, follow: false })), ...follow.map((path) => ({ path, follow: true }))];
    if (inputs.length === 0) inputs.push({ path: '-', follow: false });
    const usesStdin = inputs.some((i) => i.path === '-');
    if (usesStdin && (io.stdinIsTTY || !io.stdin)) {
      throw new UsageError('live reads logs from stdin: pipe them in (tail -f haproxy.log | wsdiag live) or give --follow FILE');
    }

    // The mode is decided here, once: screens when stdout is a terminal and there is a keyboard.
    let keyboard: NodeJS.ReadStream | null = null;
    let ownKeyboard = false;
    if (io.stdoutIsTTY && io.stdout) {
      if (!usesStdin && io.stdinIsTTY && io.stdin) keyboard = io.stdin as NodeJS.ReadStream;
      else {
        keyboard = io.openKeyboard?.() ?? null;
        ownKeyboard = keyboard !== null;
      }
    }

    const store = await openStore(args, LIVE_DATABASE);
    const db = store.db;
    // The screens query on a connection of their own, so that a diagnosis never holds up storing.
    const screens = createSerializer();
    let view: Database | null = null;
    try {
      view = await db.connect();
      let follower;
      try {
        follower = await followInputs(db, inputs, {
          logFormats: [
            ...args.logFormats.map((f, i) => ({ name: args.logFormats.length > 1 ? `custom${i + 1}` : 'custom', logFormat: unquoteConfigString(f) })),
            ...configLogFormats(store.config),
          ],
          timeZone: args.tz,
          maxLineBytes: args.maxLineBytes,
          windowMs,
          maxSessions,
          stdin: io.stdin,
          screens,
        });
      } catch (error) {
        if (error instanceof LogFormatError) throw new UsageError(`--log-format: ${error.message}`);
        throw error;
      }
      const source = createScreenSource(view, {
        config: store.config, windowMs, exclusive: screens, live: follower.stats, refreshMs: 1000,
        backend: typeof values['backend'] === 'string' ? values['backend'] : null,
      });

      if (keyboard && io.stdout) {
        const { runScreens } = await import('../ui/run-screens.js');
        try {
          await runScreens({ source, title: `live · window ${values['window'] ?? '15m'}`, color: !io.noColor, ...(args.tz ? { timeZone: args.tz } : {}), stdin: keyboard, stdout: io.stdout });
        } finally {
          if (ownKeyboard) keyboard.destroy();
          follower.stop();
          await follower.done;
          await source.close();
        }
      } else {
        const removeInterrupt = io.onInterrupt?.(() => follower.stop());
        const diff = createFindingDiff();
        let ended = false;
        let timer: NodeJS.Timeout | undefined;
        let wakeUp: (() => void) | null = null;
        // The end of input cuts the wait short and clears the timer: a pending one would hold the process open
        // until it fired. (Not a race against follower.done each round: each would stay attached to it.)
        void follower.done.then(() => {
          ended = true;
          clearTimeout(timer);
          wakeUp?.();
        });
        try {
          let tookMs = 0;
          while (!ended) {
            await new Promise<void>((r) => {
              wakeUp = r;
              timer = setTimeout(r, nextRunDelay(intervalMs, tookMs));
            });
            clearTimeout(timer);
            if (ended) break;
            const started = Date.now();
            const data = await source.load();
            tookMs = Date.now() - started;
            if (format === 'text') io.out(summaryLine(data));
            else io.out(diff(data.analysis.findings, data.analysis.summary.to));
          }
          const data = await source.load();
          if (format === 'text') io.out(summaryLine(data) + '\n' + formatAnalysis.text(data.analysis));
          else io.out(diff(data.analysis.findings, data.analysis.summary.to) + JSON.stringify({ event: 'end', summary: data.analysis.summary, live: data.live }) + '\n');
        } finally {
          removeInterrupt?.();
          await source.close();
        }
      }
      const stats = follower.stats();
      let problems = false;
      for (const input of stats.inputs) {
        if (input.state === 'missing' || input.state === 'error') {
          problems = true;
          io.err(`wsdiag live: ${input.message ?? `${input.path}: ${input.state}`}\n`);
        }
      }
      return problems ? ExitCode.input : ExitCode.ok;
    } finally {
      view?.close();
      db.close();
    }
  },
};
